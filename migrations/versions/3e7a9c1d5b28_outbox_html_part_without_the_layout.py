"""messages waiting in the outbox keep only their HTML part's content: the email layout around
it is added as each is sent

Revision ID: 3e7a9c1d5b28
Revises: 8d3f6a2c4b17
Create Date: 2026-12-03 19:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '3e7a9c1d5b28'
down_revision = '8d3f6a2c4b17'
branch_labels = None
depends_on = None

# Until this revision every stored HTML part was a whole document, made from
# templates/email/_layout.html, which never changed: its content sits between these lines.
BEFORE = '<tr><td style="padding:20px;font-size:17px;line-height:1.5;">\n'
AFTER = '\n</td></tr>\n<tr><td style="padding:16px 20px;'
BATCH = 1000

outbox = sa.table('outbox_message', sa.column('id', sa.Integer), sa.column('body_html', sa.Text),
                  sa.column('sent_at', sa.DateTime))


def content(document: str) -> str:
    """The content of a stored document; "" (the message goes as text alone) for one not made
    from that layout, rather than the layout twice."""
    _, before, rest = document.partition(BEFORE)
    inside, after, _ = rest.rpartition(AFTER)
    return inside if before and after else ""


def upgrade():
    conn = op.get_bind()
    change = (outbox.update().where(outbox.c.id == sa.bindparam('message_id'))
              .values(body_html=sa.bindparam('content')))
    after = 0
    while True:
        # Sent messages are history, never sent again: only those still to go change. A batch
        # at a time, as an outbox without a mail server keeps every message it was given.
        waiting = conn.execute(
            sa.select(outbox.c.id, outbox.c.body_html)
            .where(outbox.c.sent_at.is_(None), outbox.c.body_html.like('<!DOCTYPE%'),
                   outbox.c.id > after)
            .order_by(outbox.c.id).limit(BATCH)).all()
        if not waiting:
            return
        conn.execute(change, [{'message_id': id_, 'content': content(html)}
                              for id_, html in waiting])
        after = waiting[-1][0]


def downgrade():
    # Messages still waiting keep their content alone: the code before this revision sends it
    # as an HTML part without the layout (the text part is whole either way).
    pass
