"""The Chalice app: API routes (blueprints) and Lambda entry points. Thin on purpose."""

from __future__ import annotations

from typing import Any

from chalice import Chalice, Rate

from chalicelib.addresses.routes import bp as address_routes
from chalicelib.aeds.routes import bp as aed_routes
from chalicelib.archive.routes import bp as archive_routes
from chalicelib.bookings import handlers as bookings
from chalicelib.bookings.routes import bp as booking_routes
from chalicelib.callpage.routes import bp as callpage_routes
from chalicelib.consultations.routes import bp as consultation_routes
from chalicelib.core.http import finalize
from chalicelib.core.lambdas import lambda_entry
from chalicelib.coresponse.routes import bp as coresponse_routes
from chalicelib.cpr.routes import bp as cpr_routes
from chalicelib.devicefiles.routes import bp as device_file_routes
from chalicelib.dispatch.routes import bp as dispatch_routes
from chalicelib.fleet.routes import bp as fleet_routes
from chalicelib.handover.routes import bp as handover_routes
from chalicelib.healthaccess.routes import bp as health_access_routes
from chalicelib.hospitals.routes import bp as hospital_routes
from chalicelib.incidents import handlers as incidents
from chalicelib.incidents.routes import bp as incident_routes
from chalicelib.platform.routes import bp as platform_routes
from chalicelib.portrait.routes import bp as portrait_routes
from chalicelib.qr.routes import bp as qr_routes
from chalicelib.telemetry.routes import bp as telemetry_routes
from chalicelib.timeline import handlers as timeline
from chalicelib.timeline.routes import bp as timeline_routes
from chalicelib.triage.routes import bp as triage_routes
from chalicelib.volunteers.routes import bp as volunteer_routes
from chalicelib.workflow import milestones

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
finalize(app)


@app.lambda_function(name="incident_registered")
def incident_registered(event: dict[str, Any], context: Any) -> Any:
    return lambda_entry(incidents.incident_registered, event, context)


@app.lambda_function(name="incident_needs_dispatcher")
def incident_needs_dispatcher(event: dict[str, Any], context: Any) -> Any:
    return lambda_entry(incidents.incident_needs_dispatcher, event, context)


@app.schedule(Rate(1, unit=Rate.MINUTES), name="reconcile_incidents")
def reconcile_incidents(event: Any) -> Any:
    return lambda_entry(incidents.reconcile_incidents, event.to_dict(), event.context)


@app.lambda_function(name="booking_timeout")
def booking_timeout(event: dict[str, Any], context: Any) -> Any:
    return lambda_entry(bookings.booking_timeout, event, context)


@app.lambda_function(name="booking_state")
def booking_state(event: dict[str, Any], context: Any) -> Any:
    return lambda_entry(bookings.booking_state, event, context)


@app.lambda_function(name="await_milestone")
def await_milestone(event: dict[str, Any], context: Any) -> Any:
    return lambda_entry(milestones.await_milestone, event, context)


@app.lambda_function(name="refresh_kpis")
def refresh_kpis(event: dict[str, Any], context: Any) -> Any:
    return lambda_entry(timeline.refresh_kpis, event, context)
