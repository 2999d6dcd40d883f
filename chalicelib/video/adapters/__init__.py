"""The video provider's implementations: Kinesis Video Streams WebRTC (AWS) and the local broker's relay."""
