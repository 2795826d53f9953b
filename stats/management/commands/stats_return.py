"""``manage.py stats_return``: a statistics return from the command line (returns.md, "Asking for a return")."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from casework.routers import reporting_db
from stats import outputs
from stats.engine import compute_return
from stats.selectors import organisation_by_code, parse_cutoff, parse_moment, parse_year


class Command(BaseCommand):
    help = "计算并输出统计报表（附件1–3），可按历史时点重现。"

    def add_arguments(self, parser):
        parser.add_argument("--attachment", type=int, required=True, choices=[1, 2, 3])
        parser.add_argument("--year", required=True)
        parser.add_argument("--org", required=True, help="填报单位代码")
        parser.add_argument(
            "--cutoff", help="统计截止日期 YYYY-MM-DD（默认按通知：附件1 11-30，附件2 09-10，附件3 08-31）"
        )
        parser.add_argument("--as-recorded-at", dest="as_recorded_at", help="ISO 8601 时点；无时区时按北京时间")
        parser.add_argument("--format", default="json", choices=["json", "xlsx", "html"])
        parser.add_argument("--output", help="写入文件；省略时输出到标准输出")
        parser.add_argument("--preparer", default="", help="填报人（XLSX、HTML 表头）")
        parser.add_argument("--phone", default="", help="联系电话（XLSX、HTML 表头）")

    def handle(self, *args, **options):
        try:
            with reporting_db():  # a replica's, when one is configured (casework/routers.py)
                result = self._compute(options)
        except ValidationError as error:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())) from None
        self._write(result, options)

    def _compute(self, options):
        year = parse_year(options["year"])
        organisation = organisation_by_code(options["org"])
        return compute_return(
            options["attachment"],
            year=year,
            org_code=organisation.code,
            cutoff=parse_cutoff(options["cutoff"]),
            as_of=parse_moment(options["as_recorded_at"]),
        )

    def _write(self, result, options):
        fmt = options["format"]
        if fmt == "xlsx":
            content = outputs.as_xlsx(result, options["preparer"], options["phone"])
        elif fmt == "html":
            content = outputs.as_html(result, options["preparer"], options["phone"]).encode("utf-8")
        else:
            content = (outputs.as_json(result) + "\n").encode("utf-8")
        if options["output"]:
            with open(options["output"], "wb") as handle:
                handle.write(content)
            return
        stream = getattr(self.stdout._out, "buffer", None)
        if stream is None:
            if fmt == "xlsx":
                raise CommandError("--format xlsx 需要 --output 指定文件。")
            self.stdout.write(content.decode("utf-8"), ending="")
            return
        stream.write(content)
        stream.flush()
