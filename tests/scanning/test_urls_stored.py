"""A look-alike payment link in a stored post: the finding keeps the scanner's explanation (the
genuine host it imitates) and the merchant page shows it."""

import pytest

from merchants.models import Finding, Post
from merchants.posts import PostInput, posts_ingest
from merchants.scan import posts_scan

pytestmark = pytest.mark.django_db


def test_a_lookalike_link_in_a_post_is_stored_and_shown_with_the_genuine_host(admin_client):
    [result] = posts_ingest(
        items=[
            PostInput(
                source="moments",
                external_id="phish-1",
                text="亲，订单异常，请点 https://payapp.weixin.qq.com.pay-verify.cn/refund 退款",
                platform="wechat_id",
                handle="refund_kefu01",
                region_code="440103",
            )
        ]
    )
    posts_scan(post_ids=[result.post.pk])
    finding = Finding.objects.get(post=result.post, rule="phishing.lookalike_host")
    assert finding.matched == "payapp.weixin.qq.com.pay-verify.cn"
    assert finding.term == "qq.com@pay-verify.cn"
    assert "仿冒微信支付（正版域名 payapp.weixin.qq.com）" in finding.explanation
    assert "实际注册域名为 pay-verify.cn" in finding.explanation
    merchant = Post.objects.get(pk=result.post.pk).merchant_id
    page = admin_client.get(f"/admin/merchants/merchant/{merchant}/change/").content.decode()
    assert "仿冒微信支付（正版域名 payapp.weixin.qq.com）" in page
