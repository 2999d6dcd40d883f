"""The `scene_video` table: the one video room of an incident, where the caller shows the scene.

Hash `incident_id`: one room per incident, so every caller of it, the dispatcher and the hospital's
experts meet in the same room, and closing the incident finds it with one read.
"""

from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.core.tables import register


@register
class SceneVideoRecord(Model):
    class Meta:
        table_name = "scene_video"
        billing_mode = "PAY_PER_REQUEST"

    incident_id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute()  # open, closed
    room = JSONAttribute()  # {"provider", "room_id", "name"}
    opened_at = UTCDateTimeAttribute()
    opened_by = UnicodeAttribute()  # call:<call_id> or a staff subject
    participants = JSONAttribute(default=list)  # [{"subject", "kind", "role", "hospital_id", "joined_at"}]
    closed_at = UTCDateTimeAttribute(null=True)
