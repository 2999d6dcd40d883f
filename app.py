"""The Chalice app: API routes (blueprints) and Lambda entry points. Thin on purpose."""

from __future__ import annotations

from chalice import Chalice

from chalicelib.addresses.routes import bp as address_routes
from chalicelib.aeds.routes import bp as aed_routes
from chalicelib.archive.routes import bp as archive_routes
from chalicelib.bookings.routes import bp as booking_routes
from chalicelib.callpage.routes import bp as callpage_routes
from chalicelib.consultations.routes import bp as consultation_routes
from chalicelib.core.http import finalize
from chalicelib.coresponse.routes import bp as coresponse_routes
from chalicelib.cpr.routes import bp as cpr_routes
from chalicelib.devicefiles.routes import bp as device_file_routes
from chalicelib.dispatch.routes import bp as dispatch_routes
from chalicelib.fleet.routes import bp as fleet_routes
from chalicelib.handover.routes import bp as handover_routes
from chalicelib.healthaccess.routes import bp as health_access_routes
from chalicelib.hospitals.routes import bp as hospital_routes
from chalicelib.incidents.routes import bp as incident_routes
from chalicelib.platform.routes import bp as platform_routes
from chalicelib.portrait.routes import bp as portrait_routes
from chalicelib.qr.routes import bp as qr_routes
from chalicelib.telemetry.routes import bp as telemetry_routes
from chalicelib.timeline.routes import bp as timeline_routes
from chalicelib.triage.routes import bp as triage_routes
from chalicelib.volunteers.routes import bp as volunteer_routes
from chalicelib.workflow.routes import bp as workflow_routes

# Powertools owns the "ems" logger (JSON, masked); Chalice must not add a second handler to it.
app = Chalice(app_name="ems", configure_logs=False)
app.register_blueprint(platform_routes)
app.register_blueprint(incident_routes)
app.register_blueprint(address_routes)
app.register_blueprint(qr_routes)
app.register_blueprint(callpage_routes)
app.register_blueprint(fleet_routes)
app.register_blueprint(dispatch_routes)
app.register_blueprint(device_file_routes)
app.register_blueprint(telemetry_routes)
app.register_blueprint(triage_routes)
app.register_blueprint(archive_routes)
app.register_blueprint(health_access_routes)
app.register_blueprint(portrait_routes)
app.register_blueprint(hospital_routes)
app.register_blueprint(booking_routes)
app.register_blueprint(handover_routes)
app.register_blueprint(consultation_routes)
app.register_blueprint(timeline_routes)
app.register_blueprint(aed_routes)
app.register_blueprint(volunteer_routes)
app.register_blueprint(cpr_routes)
app.register_blueprint(coresponse_routes)
app.register_blueprint(workflow_routes)
finalize(app)
