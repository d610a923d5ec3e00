"""The regulator's transcription form (admin): the text as it should read, and why."""

from django import forms

from imaging.services.transcription import MAX_CHARS, NOTE_CHARS


class TranscriptionForm(forms.Form):
    text = forms.CharField(
        label="转写文字",
        strip=False,
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12, "class": "im-edit", "lang": "zh-CN"}),
        help_text="按图片逐行核对识别结果，改正错字、漏字后保存；原识别文字始终保留。",
        error_messages={
            "required": "转写为空，不能保存或确认",
            "max_length": f"转写过长：最多 {MAX_CHARS} 字",
        },
    )
    note = forms.CharField(
        label="更正说明（可选）",
        required=False,
        max_length=NOTE_CHARS,
        widget=forms.TextInput(attrs={"class": "im-note"}),
        error_messages={"max_length": f"更正说明最多 {NOTE_CHARS} 字"},
    )
