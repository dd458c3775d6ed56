from django.core.management import call_command

from tribune.accounts.access import brands_for_user
from tribune.accounts.models import Brand, BrandRole, User
from tribune.core.scope import brand_scope
from tribune.demo.seed import DEMO_PASSWORD, run_demo
from tribune.networks.models import AccountSnapshot, SocialAccount
from tribune.networks.sandbox.models import Event


def test_demo_is_idempotent_and_isolates_the_clients(db, client):
    first = run_demo(days=6, progress=lambda _m: None)
    counts = (User.objects.count(), Brand.objects.count(), BrandRole.objects.count())
    events = Event.objects.count()
    second = run_demo(days=2, progress=lambda _m: None)
    assert (User.objects.count(), Brand.objects.count(), BrandRole.objects.count()) == counts
    assert Event.objects.count() >= events  # only time moved on; nothing duplicated
    assert first.logins == second.logins
    roles = {what for _e, _p, what in first.logins}
    assert any("community_manager" in r for r in roles) and any("analyst" in r for r in roles)

    b2c, b2b = Brand.objects.get(slug="maison-lumiere"), Brand.objects.get(slug="orbitale")
    with brand_scope(b2c, b2b):
        assert SocialAccount.objects.filter(network="sandbox").count() == 3
        assert AccountSnapshot.objects.count() >= 3
    cm = User.objects.get(email="cm@demo.tribune.local")
    assert [b.slug for b in brands_for_user(cm)] == ["maison-lumiere"]

    from tribune.publishing.models import Post, PostMetricSnapshot

    with brand_scope(b2c):
        statuses = set(Post.objects.filter(brand=b2c).values_list("status", flat=True))
        assert {"published", "scheduled", "in_review", "draft"} <= statuses
        assert PostMetricSnapshot.objects.exists()
        from tribune.listening.models import Query, Source

        assert Query.objects.filter(brand=b2c).count() == 2
        assert Source.objects.filter(brand=b2c, kind="sandbox").count() == 1
        posts = Post.objects.count()
    run_demo(days=2, progress=lambda _m: None)
    with brand_scope(b2c):
        assert Post.objects.count() == posts  # nothing duplicated by a second run
    assert client.login(email=cm.email, password=DEMO_PASSWORD)
    page = client.get("/", follow=True).content.decode()
    assert "Tableau de bord · Maison Lumière" in page and "Orbitale" not in page
    assert client.get("/b/orbitale/").status_code == 404


def test_demo_command_seeds_without_serving(db, capsys):
    call_command("demo", "--no-serve", "--days", "1")
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000/" in out and "cm@demo.tribune.local" in out
