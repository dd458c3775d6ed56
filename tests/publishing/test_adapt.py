from tribune.core.scope import brand_scope
from tribune.publishing import workflow
from tribune.publishing.models import PostStatus, Variant


def test_each_account_gets_its_own_text_and_checks(client, tenants, accounts):
    with brand_scope(tenants.brand_a):
        post = workflow.do_save_post(
            tenants.brand_a,
            tenants.owner,
            text="Bonjour à tous",
            accounts=list(accounts),
            scheduled_at=None,
        )
        workflow.do_submit(post, tenants.owner)
        workflow.do_approve(post, tenants.owner)
        english = Variant.objects.get(post=post, account=accounts[1])
    client.force_login(tenants.people["community_manager"])
    url = f"/b/alpha/publishing/posts/{post.pk}/variants/{english.pk}/"
    assert client.post(url, {"text": "Hello everyone " + "x" * 600}).status_code == 302
    with brand_scope(tenants.brand_a):
        english.refresh_from_db()
        post.refresh_from_db()
        assert english.body.startswith("Hello everyone")
        assert post.status == PostStatus.DRAFT  # content changed: approval again
        checks = workflow.check_post(post)
    assert checks["alpha-en.sandbox"]["blocking"] and not checks["alpha.sandbox"]["blocking"]
    client.post(url, {"text": "Bonjour à tous"})  # same as the post: back to the shared text
    with brand_scope(tenants.brand_a):
        english.refresh_from_db()
        assert english.text == ""
