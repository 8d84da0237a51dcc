"""A data-channel offer as a browser sends one, made by aiortc standing in for Chromium."""

import asyncio
from concurrent.futures import ThreadPoolExecutor


def data_channel_offer() -> str:
    """The SDP of a fresh offer. Made on a thread of its own: the browser tests' Playwright keeps
    an event loop running on the main thread for the whole session, where asyncio.run refuses."""
    from aiortc import RTCPeerConnection

    async def offer() -> str:
        peer = RTCPeerConnection()
        peer.createDataChannel("media")
        await peer.setLocalDescription(await peer.createOffer())
        sdp = peer.localDescription.sdp
        await peer.close()
        return sdp

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(lambda: asyncio.run(offer())).result()
