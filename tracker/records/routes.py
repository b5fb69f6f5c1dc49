"""The authority's lead takes the whole record out as one zip."""

from __future__ import annotations

from flask import g, render_template, send_file

from tracker import clock
from tracker.permissions import Permission, requires
from tracker.records import services
from tracker.tenancy import authority_blueprint

bp = authority_blueprint("records", __name__, "/record")


@bp.get("")
@requires(Permission.EXPORT_RECORD)
def index():
    return render_template("records/index.html",
                           kinds=services.kinds(g.authority, g.programme))


@bp.get("/record.zip")
@requires(Permission.EXPORT_RECORD)
def download():
    name = f"{g.authority.slug}-homeward-record-{clock.today().isoformat()}.zip"
    return send_file(services.export_zip(g.authority, g.programme), mimetype="application/zip",
                     as_attachment=True, download_name=name)
