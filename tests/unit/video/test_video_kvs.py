"""The Kinesis Video Streams WebRTC adapter against botocore's Stubber: the requests it makes are
checked against the service models, and the join it returns is what a WebRTC client needs."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from botocore.credentials import Credentials
from botocore.stub import Stubber

from chalicelib.video.adapters.kvs import KvsVideo
from chalicelib.video.ports import Room, VideoUnavailable

REGION = "cn-northwest-1"
ARN = f"arn:aws-cn:kinesisvideo:{REGION}:123456789012:channel/ems-CS1/1700000000000"
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
WSS = "wss://v-1234.kinesisvideo.cn-northwest-1.amazonaws.com.cn"
HTTPS = "https://r-1234.kinesisvideo.cn-northwest-1.amazonaws.com.cn"


def clients() -> tuple[object, Stubber, object, Stubber]:
    kvs = boto3.client("kinesisvideo", region_name=REGION)
    signaling = boto3.client("kinesis-video-signaling", region_name=REGION, endpoint_url=HTTPS)
    return kvs, Stubber(kvs), signaling, Stubber(signaling)


def test_a_room_is_a_single_master_channel_created_once() -> None:
    kvs, stub, _, _ = clients()
    stub.add_response("create_signaling_channel", {"ChannelARN": ARN}, {
        "ChannelName": "ems-CS1", "ChannelType": "SINGLE_MASTER",
        "SingleMasterConfiguration": {"MessageTtlSeconds": 60}, "Tags": [{"Key": "ems:stage", "Value": "prod"}],
    })  # fmt: skip
    stub.add_client_error("create_signaling_channel", "ResourceInUseException")
    stub.add_response("describe_signaling_channel", {"ChannelInfo": {"ChannelARN": ARN}}, {"ChannelName": "ems-CS1"})
    with stub:
        video = KvsVideo(REGION, {"ems:stage": "prod"}, kvs=kvs)
        assert video.open("ems-CS1") == Room("kvs", ARN, "ems-CS1")
        assert video.open("ems-CS1").room_id == ARN  # already there: the same channel
    stub.assert_no_pending_responses()


@pytest.mark.parametrize("role", ["master", "viewer"])
def test_joining_gives_a_presigned_signaling_url_and_turn_servers(role: str) -> None:
    kvs, stub, signaling, sig_stub = clients()
    stub.add_response(
        "get_signaling_channel_endpoint",
        {"ResourceEndpointList": [{"Protocol": "WSS", "ResourceEndpoint": WSS},
                                  {"Protocol": "HTTPS", "ResourceEndpoint": HTTPS}]},
        {"ChannelARN": ARN, "SingleMasterChannelEndpointConfiguration": {"Protocols": ["WSS", "HTTPS"],
                                                                        "Role": role.upper()}},
    )  # fmt: skip
    sig_stub.add_response(
        "get_ice_server_config",
        {"IceServerList": [{"Uris": ["turn:1.2.3.4:443?transport=udp"], "Username": "u", "Password": "p", "Ttl": 300}]},
        {"ChannelARN": ARN, "ClientId": "hospital-abc", "Service": "TURN"},
    )
    creds = Credentials("AKIDEXAMPLE", "secret", "session-token")
    with stub, sig_stub:
        video = KvsVideo(REGION, kvs=kvs, signaling=lambda endpoint: signaling, credentials=creds)
        join = video.join(Room("kvs", ARN, "ems-CS1"), "hospital-abc", role, NOW)  # type: ignore[arg-type]
    url = urlparse(join.signaling_url)
    query = parse_qs(url.query)
    assert url.scheme == "wss" and url.netloc == urlparse(WSS).netloc
    assert query["X-Amz-ChannelARN"] == [ARN] and query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["300"] and query["X-Amz-Security-Token"] == ["session-token"]
    assert ("X-Amz-ClientId" in query) is (role == "viewer")  # the master connects without a client id
    assert "secret" not in join.signaling_url
    assert join.ice_servers[0].urls[0].startswith("stun:stun.kinesisvideo.cn-northwest-1.amazonaws.com.cn")
    assert join.ice_servers[1].username == "u" and join.ice_servers[1].ttl_s == 300


def test_failures_name_the_step_and_closing_twice_is_fine() -> None:
    kvs, stub, _, _ = clients()
    stub.add_client_error("get_signaling_channel_endpoint", "AccessDeniedException")
    stub.add_response("delete_signaling_channel", {}, {"ChannelARN": ARN})
    stub.add_client_error("delete_signaling_channel", "ResourceNotFoundException")
    with stub:
        video = KvsVideo(REGION, kvs=kvs)
        with pytest.raises(VideoUnavailable, match="GetSignalingChannelEndpoint"):
            video.join(Room("kvs", ARN, "ems-CS1"), "c1", "viewer", NOW)
        video.close(Room("kvs", ARN, "ems-CS1"))
        video.close(Room("kvs", ARN, "ems-CS1"))
    stub.assert_no_pending_responses()
