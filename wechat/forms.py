"""The reporter's details on the page behind a reply's signed link."""

from django import forms


class ReportDetailsForm(forms.Form):
    merchant_wechat_id = forms.CharField(label="商家微信号", max_length=100, required=False)
    merchant_name = forms.CharField(label="商家名称或昵称", max_length=200, required=False)
    name = forms.CharField(label="您的姓名", max_length=100, required=False)
    phone = forms.CharField(label="您的电话", max_length=30, required=False)
    address = forms.CharField(label="您的地址", max_length=300, required=False)
    email = forms.EmailField(label="电子邮箱", required=False)
    consent = forms.BooleanField(label="我同意为处理本举报使用我提供的个人信息", required=False)
