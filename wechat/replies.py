"""The passive replies (Chinese) a consumer reads in WeChat. A WeChat text reply holds at most
2,048 bytes; these stay far below."""

from django.conf import settings
from django.urls import reverse

from complaints.models import Case
from wechat.access import case_link_url
from wechat.models import WeChatMessage
from wechat.selectors import tracking_numbers_in

M = WeChatMessage

WELCOME = (
    "您好，这里是微商消费投诉举报账号。\n"
    "发现违法的微商广告、假货、集赞不兑现或钓鱼链接，可以直接把文章、截图或文字转发到这里，"
    "我们会立为举报并回复举报编号。"
)
UNSUPPORTED = (
    "目前可以接收文字、图片和转发的文章链接。语音、视频和位置暂不能作为举报材料，"
    "请改用文字说明或截图发送。"
)


def unsupported(parsed) -> str:
    if parsed.type == "event":
        return WELCOME if getattr(parsed, "event", "") == "subscribe" else ""
    return UNSUPPORTED


def _link(case: Case) -> str:
    return (
        f"请在{settings.WECHAT_LINK_HOURS}小时内打开下面的链接，补充商家信息、更多证据和您的联系方式"
        f"（不留联系方式即为匿名举报）：\n{case_link_url(case)}"
    )


def for_message(message: WeChatMessage, case: Case | None) -> str:
    if case is None:
        if message.state == M.State.QUERY:
            numbers = "、".join(tracking_numbers_in(message.content))
            return (
                f"没有找到您通过本公众号提交的举报 {numbers}。"
                f"在网页上提交的举报，请用举报编号和查询码查询：{settings.SITE_URL}"
                f"{reverse('complaints:track')}"
            )
        if message.state == M.State.FAILED:
            return f"已收到您的消息，但未能处理：{message.error}"
        return "已收到您的消息，正在登记。请稍后发送任意文字，查看举报编号。"
    number = case.tracking_number
    if message.state == M.State.QUERY:
        return f"举报 {number} 当前状态：{case.get_status_display()}。\n{_link(case)}"
    if message.state == M.State.FAILED:
        return f"举报 {number}：{message.error}"
    if message.opened_case:
        lead = f"已收到您的举报，举报编号：{number}。"
        if message.msg_type == M.Type.IMAGE:
            lead += "图片正在保存为证据。"
    elif message.msg_type == M.Type.IMAGE:
        lead = f"图片正在保存为举报 {number} 的证据。"
    else:
        lead = f"已补充到举报 {number}。"
    return (
        f"{lead}\n{_link(case)}\n"
        f"{settings.WECHAT_CONVERSATION_MINUTES}分钟内继续发来的图片和文字会补充到这份举报；"
        "以后发送举报编号可以再次获取链接。"
    )
