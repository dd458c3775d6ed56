"""The from-scratch rebuild in set-based SQL on PostgreSQL (millions of raw rows).

Same definitions as the incremental fold in ``rollups.py``: each counter is carried
forward over snapshots that do not report it (``count() OVER`` numbers the groups, the
group's only non-null value is its carried value), deltas between consecutive snapshots
of a post land on the local day (``AT TIME ZONE`` the brand's zone) of the later one,
interactions become "rated" from the first snapshot with impressions on. Saves and video
views stay NULL on a day no snapshot reported them (as in the incremental fold). Posts and
tracked clicks are counted here too; followers and conversions (small tables) are left
to the incremental fold, which ``rollups.rebuild`` runs right after.
"""

from __future__ import annotations

from django.db import connection

SNAPSHOTS = """
WITH s AS (
    SELECT p.id, p.variant_id, p.at, v.brand_id, v.account_id,
           p.likes, p.replies, p.reposts, p.quotes, p.impressions, p.link_clicks,
           p.saves, p.video_views,
           count(p.likes) OVER w AS gl, count(p.replies) OVER w AS gr,
           count(p.reposts) OVER w AS gp, count(p.quotes) OVER w AS gq,
           count(p.impressions) OVER w AS gi, count(p.link_clicks) OVER w AS gc,
           count(p.saves) OVER w AS gs, count(p.video_views) OVER w AS gv
    FROM publishing_postmetricsnapshot p
    JOIN publishing_variant v ON v.id = p.variant_id
    WINDOW w AS (PARTITION BY p.variant_id ORDER BY p.at, p.id)
), f AS (
    SELECT id, variant_id, at, brand_id, account_id, gi, gc,
           saves AS r_saves, video_views AS r_views,
           coalesce(max(likes) OVER (PARTITION BY variant_id, gl), 0) AS likes,
           coalesce(max(replies) OVER (PARTITION BY variant_id, gr), 0) AS replies,
           coalesce(max(reposts) OVER (PARTITION BY variant_id, gp), 0) AS reposts,
           coalesce(max(quotes) OVER (PARTITION BY variant_id, gq), 0) AS quotes,
           max(impressions) OVER (PARTITION BY variant_id, gi) AS impressions,
           max(link_clicks) OVER (PARTITION BY variant_id, gc) AS link_clicks,
           max(saves) OVER (PARTITION BY variant_id, gs) AS saves,
           max(video_views) OVER (PARTITION BY variant_id, gv) AS video_views
    FROM s
), d AS (
    SELECT f.*, likes + replies + reposts + quotes AS eng,
           lag(likes, 1, 0) OVER w AS p_likes, lag(replies, 1, 0) OVER w AS p_replies,
           lag(reposts, 1, 0) OVER w AS p_reposts, lag(quotes, 1, 0) OVER w AS p_quotes,
           lag(likes + replies + reposts + quotes, 1, 0) OVER w AS p_eng,
           coalesce(lag(impressions) OVER w, 0) AS p_imp,
           coalesce(lag(link_clicks) OVER w, 0) AS p_clicks,
           coalesce(lag(saves) OVER w, 0) AS p_saves,
           coalesce(lag(video_views) OVER w, 0) AS p_views,
           lag(gi, 1, 0::bigint) OVER w AS p_gi,
           row_number() OVER (PARTITION BY variant_id ORDER BY at DESC, id DESC) AS latest
    FROM f
    WINDOW w AS (PARTITION BY variant_id ORDER BY at, id)
)
SELECT * FROM d
"""


def rebuild_snapshots_and_posts() -> dict[str, int]:
    """Fill DailyMetric (posts, interactions, impressions, clicks) and PostTotals from
    scratch; returns the watermarks to store. The tables must be empty."""
    with connection.cursor() as cur:
        # The window functions sort every snapshot once; give the sort room (this
        # transaction only) instead of spilling to disk.
        cur.execute("SET LOCAL work_mem = '256MB'")
        cur.execute("CREATE TEMP TABLE analytics_d ON COMMIT DROP AS " + SNAPSHOTS)
        cur.execute(
            """
            INSERT INTO analytics_dailymetric
                (brand_id, account_id, day, posts, likes, replies, reposts, quotes,
                 impressions, rated_engagement, network_clicks, clicks, conversions,
                 conversion_value, followers, followers_at, saves, video_views)
            SELECT x.brand_id, x.account_id, x.day, sum(x.posts), sum(x.likes), sum(x.replies),
                   sum(x.reposts), sum(x.quotes), sum(x.impressions), sum(x.rated),
                   sum(x.network_clicks), sum(x.clicks), 0, 0, NULL, NULL,
                   sum(x.saves), sum(x.video_views)
            FROM (
                SELECT d.brand_id, d.account_id, (d.at AT TIME ZONE b.timezone)::date AS day,
                       0 AS posts, d.likes - d.p_likes AS likes, d.replies - d.p_replies AS replies,
                       d.reposts - d.p_reposts AS reposts, d.quotes - d.p_quotes AS quotes,
                       CASE WHEN d.impressions IS NULL THEN 0 ELSE d.impressions - d.p_imp END
                           AS impressions,
                       CASE WHEN d.gi = 0 THEN 0 WHEN d.p_gi = 0 THEN d.eng ELSE d.eng - d.p_eng END
                           AS rated,
                       CASE WHEN d.link_clicks IS NULL THEN 0 ELSE d.link_clicks - d.p_clicks END
                           AS network_clicks,
                       0 AS clicks,
                       CASE WHEN d.r_saves IS NULL THEN NULL ELSE d.saves - d.p_saves END
                           AS saves,
                       CASE WHEN d.r_views IS NULL THEN NULL ELSE d.video_views - d.p_views END
                           AS video_views
                FROM analytics_d d JOIN accounts_brand b ON b.id = d.brand_id
                UNION ALL
                SELECT v.brand_id, v.account_id, (v.published_at AT TIME ZONE b.timezone)::date,
                       1, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL
                FROM publishing_variant v JOIN accounts_brand b ON b.id = v.brand_id
                WHERE v.status = 'published' AND v.published_at IS NOT NULL
                UNION ALL
                SELECT c.brand_id, v.account_id, (c.at AT TIME ZONE b.timezone)::date,
                       0, 0, 0, 0, 0, 0, 0, 0, 1, NULL, NULL
                FROM publishing_linkclick c
                JOIN publishing_trackedlink l ON l.id = c.link_id
                LEFT JOIN publishing_variant v ON v.id = l.variant_id
                JOIN accounts_brand b ON b.id = c.brand_id
                WHERE c.agent <> 'bot'
            ) x
            GROUP BY x.brand_id, x.account_id, x.day
            HAVING sum(abs(x.posts) + abs(x.likes) + abs(x.replies) + abs(x.reposts)
                       + abs(x.quotes) + abs(x.impressions) + abs(x.rated)
                       + abs(x.network_clicks) + abs(x.clicks)) > 0
                OR count(x.saves) > 0 OR count(x.video_views) > 0
            """
        )
        cur.execute(
            """
            INSERT INTO analytics_posttotals
                (variant_id, brand_id, account_id, published_at, at, likes, replies, reposts,
                 quotes, impressions, link_clicks, saves, video_views, rated_engagement, clicks,
                 conversions)
            SELECT v.id, v.brand_id, v.account_id, v.published_at, d.at,
                   coalesce(d.likes, 0), coalesce(d.replies, 0), coalesce(d.reposts, 0),
                   coalesce(d.quotes, 0), d.impressions, d.link_clicks, d.saves, d.video_views,
                   CASE WHEN d.gi > 0 THEN d.eng ELSE 0 END,
                   coalesce(k.n, 0), 0
            FROM publishing_variant v
            LEFT JOIN analytics_d d ON d.variant_id = v.id AND d.latest = 1
            LEFT JOIN (
                SELECT l.variant_id, count(*) AS n FROM publishing_linkclick c
                JOIN publishing_trackedlink l ON l.id = c.link_id
                WHERE c.agent <> 'bot' AND l.variant_id IS NOT NULL GROUP BY l.variant_id
            ) k ON k.variant_id = v.id
            WHERE (v.status = 'published' AND v.published_at IS NOT NULL)
               OR d.variant_id IS NOT NULL
            """
        )
        cur.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM publishing_postmetricsnapshot),"
            " (SELECT coalesce(max(id), 0) FROM publishing_linkclick)"
        )
        snapshot_id, click_id = cur.fetchone()
    return {"snapshot_id": snapshot_id, "click_id": click_id}
