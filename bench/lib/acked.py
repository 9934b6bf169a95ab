#!/usr/bin/env python3
"""kill -9 under load, for bench/legacy.sh.

  acked.py load PORT PID SECONDS_BEFORE_KILL THREADS OUT_FILE RUN
      THREADS clients send new prompts to 127.0.0.1:PORT; after SECONDS_BEFORE_KILL the process
      PID gets SIGKILL; each prompt id answered 2xx is written to OUT_FILE, one a line.
      Prints "LOAD sent acknowledged unanswered".
  acked.py check PORT IDS_FILE
      GETs every id; prints "CHECK acknowledged found missing".
"""
import http.client
import json
import os
import signal
import sys
import threading
import time


def load(port, pid, seconds, threads, out_file, run):
    acked, lock, stop = [], threading.Lock(), threading.Event()
    counts = {"sent": 0, "unanswered": 0}

    def client(tid):
        conn, n = None, 0
        while not stop.is_set():
            n += 1
            body = json.dumps({"prompt": f"kill test {run} thread {tid} number {n}"})
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("POST", "/prompts", body, {"Content-Type": "application/json"})
                resp = conn.getresponse()
                data = resp.read()
                with lock:
                    counts["sent"] += 1
                    if 200 <= resp.status < 300:
                        acked.append(json.loads(data)["promptId"])
            except Exception:
                with lock:
                    counts["sent"] += 1
                    counts["unanswered"] += 1
                conn = None
                if stop.is_set():
                    break
                time.sleep(0.05)

    workers = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    time.sleep(seconds)
    os.kill(pid, signal.SIGKILL)
    time.sleep(1)
    stop.set()
    for w in workers:
        w.join()
    with open(out_file, "w") as f:
        f.write("\n".join(acked) + ("\n" if acked else ""))
    print(f"LOAD {counts['sent']} {len(acked)} {counts['unanswered']}")


def check(port, ids_file):
    ids = [line.strip() for line in open(ids_file) if line.strip()]
    conn, found = http.client.HTTPConnection("127.0.0.1", port, timeout=30), 0
    for i in ids:
        conn.request("GET", "/prompts/" + i)
        resp = conn.getresponse()
        resp.read()
        found += resp.status == 200
    print(f"CHECK {len(ids)} {found} {len(ids) - found}")


if __name__ == "__main__":
    if sys.argv[1] == "load":
        a = sys.argv
        load(int(a[2]), int(a[3]), float(a[4]), int(a[5]), a[6], a[7])
    else:
        check(int(sys.argv[2]), sys.argv[3])
