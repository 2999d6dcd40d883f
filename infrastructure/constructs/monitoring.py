"""Alarms to an encrypted SNS topic, and a dashboard including the app's EMF metrics."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from infrastructure import constants

_PERIOD = Duration.minutes(5)
WORK_QUEUE_LAG_S = 10  # device messages older than this: dispatch is working from stale positions
# EMF counts of the dispatch domain that need a person: the situation, or a side effect that
# failed after the assignment was stored (the crew, co-responders or the board may not know).
DISPATCH_ALARMS = {
    "IncidentEscalated": "an incident waited its county's full wait with no free unit: escalated to the city",
    "IncidentStillWaiting": "an escalated incident still has no unit",
    "CrewNotifyFailed": "a crew was not told of a manual assignment",
    "CoResponseFailed": "a dispatch event did not reach the co-responders' bus",
    "StandDownFailed": "a stood-down crew was not told",
    "UnitAvailableEventFailed": "a freed unit was not offered to the waiting queue",
    "BoardAlertFailed": "a waiting incident's alert did not reach its county's board",
}

# Health-data access that a privacy officer reviews, every time.
ACCESS_ALARMS = {
    "BreakGlassAccess": "someone broke the glass on a patient's record: review the reason on the audit trail",
}

# Bookings: a patient with no hospital, or a hospital not told / not reached.
BOOKING_ALARMS = {
    "BookingExhausted": "every qualified hospital declined or did not answer: the desk must find a bed",
    "BookingExpired": "a hospital did not answer an offer in time (the next option was offered)",
    "BookingNotifyFailed": "a hospital or crew was not told of a booking change",
    "BookingMoveOnFailed": "after a decline or timeout the next hospital was not offered",
    "HisCallFailed": "a hospital information system did not take a registration, orders or a handover",
}


def _emf(name: str) -> cw.Metric:
    return cw.Metric(
        namespace=constants.EMF_NAMESPACE,
        metric_name=name,
        dimensions_map={"service": constants.POWERTOOLS_SERVICE_NAME},
        statistic="Sum",
        period=Duration.minutes(1),
    )


class Monitoring(Construct):
    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        stage: str,
        key: kms.IKey,
        api_name: str,
        functions: Mapping[str, str],
        machines: Mapping[str, sfn.StateMachine],
        queues: Mapping[str, sqs.IQueue],
        work_queues: Mapping[str, sqs.IQueue] | None = None,
    ) -> None:
        """`functions`: logical id -> function name (a token)."""
        super().__init__(scope, id)
        self.topic = sns.Topic(
            self, "Alarms", topic_name=f"{constants.prefix(stage)}alarms", master_key=key, enforce_ssl=True
        )
        self._action = cw_actions.SnsAction(self.topic)
        api_5xx = cw.Metric(
            namespace="AWS/ApiGateway",
            metric_name="5XXError",
            dimensions_map={"ApiName": api_name, "Stage": constants.API_STAGE},
            statistic="Sum",
            period=_PERIOD,
        )
        self._alarm("Api5xx", api_5xx, "API answered 5XX")
        lambda_errors = {
            logical: cw.Metric(
                namespace="AWS/Lambda",
                metric_name="Errors",
                dimensions_map={"FunctionName": name},
                statistic="Sum",
                period=_PERIOD,
            )
            for logical, name in functions.items()
        }
        for logical, metric in lambda_errors.items():
            self._alarm(f"{logical}Errors", metric, f"Lambda {logical} raised errors")
        failed = {name: m.metric_failed(period=_PERIOD, statistic="Sum") for name, m in machines.items()}
        for name, metric in failed.items():
            self._alarm(f"{name}Failed", metric, f"state machine {name} has failed executions")
        if constants.CANARY_MACHINE in machines:
            # Silence is a failure too: schedule, IAM or the service itself may be broken.
            succeeded = machines[constants.CANARY_MACHINE].metric_succeeded(period=Duration.minutes(10))
            self._alarm("CanarySilent", succeeded, "no successful canary for 10 minutes", below=1)
        for name, queue in queues.items():
            depth = queue.metric_approximate_number_of_messages_visible(period=_PERIOD, statistic="Maximum")
            self._alarm(f"{name}Depth", depth, f"messages waiting in dead-letter queue {name}")
        for name, queue in (work_queues or {}).items():
            # Positions older than dispatch's freshness bound: the consumer is failing or too slow.
            age = queue.metric_approximate_age_of_oldest_message(period=Duration.minutes(1), statistic="Maximum")
            self._alarm(f"{name}Lag", age, f"{name} messages wait over {WORK_QUEUE_LAG_S} s", at_least=WORK_QUEUE_LAG_S)
        for metric_name, description in DISPATCH_ALARMS.items():
            self._alarm(f"Dispatch{metric_name}", _emf(metric_name), description)
        for metric_name, description in {**ACCESS_ALARMS, **BOOKING_ALARMS}.items():
            self._alarm(metric_name, _emf(metric_name), description)
        self._dashboard(stage, api_5xx, lambda_errors, failed)

    def _alarm(
        self, id: str, metric: cw.Metric, description: str, *, below: float | None = None, at_least: float = 1.0
    ) -> None:
        """Alarm at >= `at_least` (1) by default; with `below`, when under it (missing data counts as under)."""
        if below is None:
            threshold, operator = at_least, cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD
            missing = cw.TreatMissingData.NOT_BREACHING
        else:
            threshold, operator = below, cw.ComparisonOperator.LESS_THAN_THRESHOLD
            missing = cw.TreatMissingData.BREACHING
        alarm = cw.Alarm(
            self,
            id,
            metric=metric,
            alarm_description=description,
            threshold=threshold,
            evaluation_periods=1,
            comparison_operator=operator,
            treat_missing_data=missing,
        )
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)

    def _dashboard(
        self, stage: str, api_5xx: cw.Metric, lambda_errors: Mapping[str, cw.Metric], failed: Mapping[str, cw.Metric]
    ) -> None:
        # Powertools publishes EMF metrics under EMS with a `service` dimension; SEARCH
        # graphs whatever the domains emit without listing metric names here.
        emf = cw.MathExpression(
            expression=f"SEARCH('{{{constants.EMF_NAMESPACE},service}}', 'Sum', 300)",
            using_metrics={},
            label="EMS metrics",
            period=_PERIOD,
        )
        dashboard = cw.Dashboard(self, "Dashboard", dashboard_name=f"{constants.prefix(stage)}overview")
        dashboard.add_widgets(
            cw.GraphWidget(title="API 5XX", left=[api_5xx], width=8),
            cw.GraphWidget(title="Lambda errors", left=list(lambda_errors.values()), width=8),
            cw.GraphWidget(title="Failed executions", left=list(failed.values()), width=8),
        )
        dashboard.add_widgets(*self._interval_widgets())
        dashboard.add_widgets(cw.GraphWidget(title=f"EMF namespace {constants.EMF_NAMESPACE}", left=[emf], width=24))

    @staticmethod
    def _interval_widgets() -> list[cw.IWidget]:
        """The minutes that are the product: each interval's median and 90th percentile, per hour."""

        def interval(name: str, stat: str) -> cw.Metric:
            return cw.Metric(
                namespace=constants.EMF_NAMESPACE, metric_name=f"Interval_{name}",
                dimensions_map={"service": constants.POWERTOOLS_SERVICE_NAME}, statistic=stat,
                period=Duration.hours(1), label=f"{name} {stat}",
            )  # fmt: skip

        groups = {
            "Dispatch and response (s)": ["call_to_dispatch", "chute", "response"],
            "Stroke: door to CT / needle (s)": ["door_to_ct", "door_to_needle"],
            "Chest pain: door to balloon, first contact to device (s)": ["door_to_balloon", "first_contact_to_device"],
        }

        def counted(name: str) -> cw.Metric:
            return cw.Metric(
                namespace=constants.EMF_NAMESPACE, metric_name=name, statistic="Sum", period=Duration.hours(1),
                dimensions_map={"service": constants.POWERTOOLS_SERVICE_NAME}, label=name,
            )  # fmt: skip

        calls = cw.GraphWidget(
            title="Calls: incidents opened, calls linked, units claimed, needing a dispatcher (per hour)",
            left=[counted(n) for n in ("IncidentOpened", "CallLinked", "UnitClaimed", "IncidentNeedsDispatcher")],
            width=24,
        )
        available = cw.GraphWidget(
            title="Units available per county",
            left=[cw.MathExpression(
                expression=f"SEARCH('{{{constants.EMF_NAMESPACE},county,service}} MetricName=\"UnitsAvailable\"', "
                "'Minimum', 60)",
                using_metrics={}, label="available", period=Duration.minutes(1),
            )],
            width=24,
        )  # fmt: skip
        widgets: list[cw.IWidget] = [calls, available]
        widgets += [
            cw.GraphWidget(title=title, left=[interval(n, s) for n in names for s in ("p50", "p90")], width=8)
            for title, names in groups.items()
        ]
        return widgets
