"""The follow-up levels a new installation starts with, in Persian, Arabic and English (F1).

Templates are sandboxed Jinja rendered by the notification workers with the context
the follow-up service builds: ``customer``, ``invoices`` (each ``number``,
``due_date``, ``open_amount``), ``total_due``, ``currency`` and ``level``.
"""

from __future__ import annotations

from dataclasses import dataclass

_LIST_FA = (
    "{% for i in invoices %}\n- فاکتور {{ i.number }}، سررسید {{ i.due_date }}: "
    "{{ i.open_amount }} ریال{% endfor %}"
)
_LIST_AR = (
    "{% for i in invoices %}\n- فاتورة {{ i.number }}، الاستحقاق {{ i.due_date }}: "
    "{{ i.open_amount }} ريال{% endfor %}"
)
_LIST_EN = (
    "{% for i in invoices %}\n- Invoice {{ i.number }}, due {{ i.due_date }}: "
    "{{ i.open_amount }} IRR{% endfor %}"
)


@dataclass(frozen=True)
class DefaultLevel:
    description: str
    days: int
    channels: tuple[str, ...]
    templates: dict[str, dict[str, str]]
    activity_type: str | None = None
    activity_summary: str = ""
    attach_invoices: bool = False
    add_follower: bool = False
    automatic: bool = True


DEFAULT_LEVELS: tuple[DefaultLevel, ...] = (
    DefaultLevel(
        description="یادآوری پیش از سررسید",
        days=-3,
        channels=("email",),
        templates={
            "fa": {
                "subject": "یادآوری سررسید پرداخت",
                "body": "{{ customer }} گرامی،\nسررسید پرداخت فاکتورهای زیر نزدیک است:"
                + _LIST_FA
                + "\nمبلغ کل: {{ total_due }} ریال. با سپاس.",
                "sms": "{{ customer }} گرامی، سررسید پرداخت {{ total_due }} ریال نزدیک است.",
            },
            "ar": {
                "subject": "تذكير بموعد الدفع",
                "body": "السيد/ة {{ customer }}،\nيقترب موعد استحقاق الفواتير التالية:"
                + _LIST_AR
                + "\nالمجموع: {{ total_due }} ريال. مع الشكر.",
                "sms": "السيد/ة {{ customer }}، يقترب موعد دفع {{ total_due }} ريال.",
            },
            "en": {
                "subject": "Payment due soon",
                "body": "Dear {{ customer }},\nthe following invoices fall due soon:"
                + _LIST_EN
                + "\nTotal: {{ total_due }} IRR. Thank you.",
                "sms": "Dear {{ customer }}, {{ total_due }} IRR falls due soon.",
            },
        },
    ),
    DefaultLevel(
        description="اولین یادآوری معوقه",
        days=7,
        channels=("email",),
        attach_invoices=True,
        templates={
            "fa": {
                "subject": "یادآوری پرداخت فاکتورهای سررسیدگذشته",
                "body": "{{ customer }} گرامی،\nفاکتورهای زیر از سررسید گذشته‌اند:"
                + _LIST_FA
                + "\nلطفاً مبلغ {{ total_due }} ریال را پرداخت کنید.",
                "sms": "{{ customer }} گرامی، {{ total_due }} ریال از سررسید گذشته است.",
            },
            "ar": {
                "subject": "تذكير بالفواتير المتأخرة",
                "body": "السيد/ة {{ customer }}،\nتجاوزت الفواتير التالية موعد استحقاقها:"
                + _LIST_AR
                + "\nيرجى دفع مبلغ {{ total_due }} ريال.",
                "sms": "السيد/ة {{ customer }}، مبلغ {{ total_due }} ريال متأخر.",
            },
            "en": {
                "subject": "Overdue invoices",
                "body": "Dear {{ customer }},\nthe following invoices are past due:"
                + _LIST_EN
                + "\nPlease pay {{ total_due }} IRR.",
                "sms": "Dear {{ customer }}, {{ total_due }} IRR is overdue.",
            },
        },
    ),
    DefaultLevel(
        description="دومین یادآوری: ایمیل و پیامک",
        days=15,
        channels=("email", "sms"),
        attach_invoices=True,
        add_follower=True,
        templates={
            "fa": {
                "subject": "یادآوری دوم: پرداخت معوقه",
                "body": "{{ customer }} گرامی،\n"
                + "با وجود یادآوری قبلی، فاکتورهای زیر هنوز پرداخت نشده‌اند:"
                + _LIST_FA
                + "\nمبلغ {{ total_due }} ریال را هرچه زودتر پرداخت کنید.",
                "sms": "{{ customer }} گرامی، {{ total_due }} ریال بدهی معوقه دارید. "
                "لطفاً پرداخت کنید.",
            },
            "ar": {
                "subject": "تذكير ثانٍ: مبالغ متأخرة",
                "body": "السيد/ة {{ customer }}،\nرغم التذكير السابق، لم تُسدَّد الفواتير التالية:"
                + _LIST_AR
                + "\nيرجى دفع {{ total_due }} ريال في أقرب وقت.",
                "sms": "السيد/ة {{ customer }}، عليكم {{ total_due }} ريال متأخرة. يرجى الدفع.",
            },
            "en": {
                "subject": "Second reminder: overdue payment",
                "body": "Dear {{ customer }},\n"
                + "despite our reminder these invoices are still unpaid:"
                + _LIST_EN
                + "\nPlease pay {{ total_due }} IRR as soon as possible.",
                "sms": "Dear {{ customer }}, {{ total_due }} IRR is overdue. Please pay.",
            },
        },
    ),
    DefaultLevel(
        description="نامه رسمی و تماس تلفنی",
        days=30,
        channels=("letter",),
        attach_invoices=True,
        activity_type="call",
        activity_summary="تماس با مشتری درباره فاکتورهای معوقه",
        templates={
            "fa": {
                "subject": "اخطار پرداخت",
                "body": "{{ customer }} گرامی،\n"
                + "به استحضار می‌رساند فاکتورهای زیر بیش از سی روز معوق است:"
                + _LIST_FA
                + "\nخواهشمند است مبلغ {{ total_due }} ریال را ظرف هفت روز پرداخت فرمایید.",
            },
            "ar": {
                "subject": "إنذار بالدفع",
                "body": "السيد/ة {{ customer }}،\n"
                + "نحيطكم علماً بأن الفواتير التالية متأخرة أكثر من ثلاثين يوماً:"
                + _LIST_AR
                + "\nنرجو دفع مبلغ {{ total_due }} ريال خلال سبعة أيام.",
            },
            "en": {
                "subject": "Formal payment notice",
                "body": "Dear {{ customer }},\n"
                + "the following invoices are more than thirty days overdue:"
                + _LIST_EN
                + "\nPlease pay {{ total_due }} IRR within seven days.",
            },
        },
    ),
)
