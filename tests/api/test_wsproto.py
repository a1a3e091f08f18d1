"""The server's WebSocket compression: standard permessage-deflate, whatever compresses it."""

from __future__ import annotations

import zlib

from websockets.frames import Frame, Opcode

from app.api.wsproto import FastDeflateFactory, extensions


def test_negotiates_and_decodes_with_standard_deflate() -> None:
    factory = extensions()[0]
    assert isinstance(factory, FastDeflateFactory)
    params, ext = factory.process_request_params([("client_max_window_bits", None)], [])
    assert ("server_max_window_bits", "12") in params
    decoder = zlib.decompressobj(-12)
    messages = [f'{{"type":"frame","n":{i},"data":"{"AB" * 5000}{i}"}}'.encode() for i in range(20)]
    for message in messages:
        frame = ext.encode(Frame(Opcode.TEXT, message))
        assert frame.rsv1 and len(frame.data) < len(message) / 5
        assert decoder.decompress(bytes(frame.data) + b"\x00\x00\xff\xff") == message
