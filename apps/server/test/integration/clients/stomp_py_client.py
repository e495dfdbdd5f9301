"""A third-party STOMP client (stomp.py, Debian's python3-stomp) against the broker over TCP.

Usage: stomp_py_client.py PORT
Prints one JSON object describing what it saw; the Vitest suite asserts on it.
"""
import json
import sys
import threading

import stomp


class Recorder(stomp.ConnectionListener):
    def __init__(self):
        self.messages = []
        self.receipts = []
        self.errors = []
        self.arrived = threading.Condition()

    def on_message(self, frame):
        with self.arrived:
            self.messages.append({"body": frame.body, "headers": frame.headers})
            self.arrived.notify_all()

    def on_receipt(self, frame):
        with self.arrived:
            self.receipts.append(frame.headers.get("receipt-id"))
            self.arrived.notify_all()

    def on_error(self, frame):
        self.errors.append(frame.headers.get("message"))

    def wait_for(self, predicate, timeout=5.0):
        with self.arrived:
            return self.arrived.wait_for(predicate, timeout)


def main():
    port = int(sys.argv[1])
    conn = stomp.Connection12([("127.0.0.1", port)], heartbeats=(0, 0), auto_content_length=True)
    recorder = Recorder()
    conn.set_listener("recorder", recorder)
    conn.connect("guest", "guest", wait=True)

    conn.subscribe(destination="/queue/py.orders", id="sub-1", ack="client-individual")
    conn.send(destination="/queue/py.orders", body="plain text", headers={"receipt": "r-1", "x-origin": "python"})
    conn.send(destination="/queue/py.orders", body="héllo wörld", content_type="text/plain; charset=utf-8")

    conn.begin(transaction="tx-1")
    conn.send(destination="/queue/py.orders", body="in a transaction", transaction="tx-1")
    conn.commit(transaction="tx-1")

    recorder.wait_for(lambda: len(recorder.messages) >= 3)
    for message in recorder.messages:
        conn.ack(message["headers"]["ack"])
    conn.disconnect(receipt="bye")

    print(json.dumps({
        "bodies": [message["body"] for message in recorder.messages],
        "originHeader": recorder.messages[0]["headers"].get("x-origin") if recorder.messages else None,
        "receipts": recorder.receipts,
        "errors": recorder.errors,
    }))


if __name__ == "__main__":
    main()
