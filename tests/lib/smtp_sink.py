#!/usr/bin/python3
# tests/lib/smtp_sink.py - a real SMTP server on loopback for the tests
# (Debian's python3-aiosmtpd): every message it accepts is stored as
# DIR/NNNN.eml (the bytes as received) with DIR/NNNN.rcpt holding the
# envelope recipients, one a line.  It writes DIR/ready once it listens
# and runs until SIGTERM or SIGINT.
#
#   /usr/bin/python3 tests/lib/smtp_sink.py PORT DIR [--refuse ADDR]
#
# --refuse ADDR answers RCPT TO:<ADDR> with 550 (a permanent refusal).
import asyncio
import os
import signal
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, refuse):
        self.out = out
        self.refuse = refuse
        self.n = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return '550 5.1.1 no such mailbox here'
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.n += 1
        base = os.path.join(self.out, '%04d' % self.n)
        with open(base + '.tmp', 'wb') as f:
            f.write(envelope.original_content or envelope.content)
        with open(base + '.rcpt', 'w') as f:
            f.write('\n'.join(envelope.rcpt_tos) + '\n')
        os.rename(base + '.tmp', base + '.eml')
        return '250 Message accepted for delivery'


def main():
    port = int(sys.argv[1])
    out = sys.argv[2]
    refuse = []
    if len(sys.argv) > 4 and sys.argv[3] == '--refuse':
        refuse = sys.argv[4:]
    os.makedirs(out, exist_ok=True)
    # decode_data=False keeps the raw bytes (8-bit safe)
    ctl = Controller(Sink(out, refuse), hostname='127.0.0.1', port=port,
                     decode_data=False)
    ctl.start()
    with open(os.path.join(out, 'ready'), 'w') as f:
        f.write('%d\n' % os.getpid())
    stop = asyncio.Event()
    loop = asyncio.new_event_loop()
    for s in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(s, stop.set)
    loop.run_until_complete(stop.wait())
    ctl.stop()


if __name__ == '__main__':
    main()
