"""localstripe (a stateful fake of Stripe's API) for the integration tests, with the gaps that
matter to Praxis closed so it behaves as Stripe documents, bound to 127.0.0.1.

usage: python3 tests/localstripe_launcher.py PORT

What localstripe 1.15.10 does differently from Stripe, and what this launcher does about it:
- it refuses `setup_future_usage` and `description` on PaymentIntent create: accepted, and a
  PaymentIntent created with `setup_future_usage` attaches its card to its customer when it
  succeeds (Stripe does; localstripe never attaches);
- it answers 500 to a confirm that names a `payment_method`: the method is resolved (test ids
  such as `pm_card_visa` included) and the intent confirmed with it, as Stripe does;
- it ignores `Idempotency-Key`: a POST with a key seen before gets the first answer again, and
  two at once with one key are served one after the other (Stripe answers the second 409; here
  it waits and gets the first answer, which is what a retrying client ends up with);
- a declined confirmation's 402 error does not name the PaymentIntent: it now carries it
  (`error.payment_intent`), as Stripe's does;
- it never sends `charge.refunded`: a refund now sends it, signed, like the other events;
- it refunds past what remains of a charge: such a refund is refused (400), as Stripe does;
- a confirmed SetupIntent does not attach its card to the customer: it now does;
- it lists payment methods oldest first: newest first, as Stripe does;
- it listens on every interface and keeps state in a pickle shared by every instance under
  /tmp: it listens on 127.0.0.1 only and keeps its state in memory.
"""

import asyncio
import logging
import socket
import sys

from aiohttp import web

from localstripe import resources
from localstripe.resources import (Event, PaymentIntent, PaymentMethod, Refund,
                                   SetupIntent, store)
from localstripe.webhooks import schedule_webhook

# State in memory only: parallel test processes must not share (or race on) one pickle.
resources.Store.dump_to_disk = lambda self: None
resources.Store.try_load_from_disk = lambda self: None

# PaymentIntent create: Stripe's `setup_future_usage` and `description`.
_pi_init = PaymentIntent.__init__


def _pi_init_patched(self, setup_future_usage=None, description=None, **kwargs):
    if setup_future_usage not in (None, 'off_session', 'on_session'):
        raise resources.UserError(400, 'Bad request')
    _pi_init(self, **kwargs)
    self.setup_future_usage = setup_future_usage
    self.description = description


PaymentIntent.__init__ = _pi_init_patched

# A succeeded PaymentIntent with `setup_future_usage` saves its card on its customer.
_pi_on_success = PaymentIntent._on_success


def _pi_on_success_patched(self):
    if getattr(self, 'setup_future_usage', None) and self.customer \
            and self.payment_method:
        PaymentMethod._api_retrieve(self.payment_method).customer = self.customer
    _pi_on_success(self)


PaymentIntent._on_success = _pi_on_success_patched

# Confirm with a payment method.
_pi_confirm = PaymentIntent._api_confirm.__func__


def _pi_confirm_patched(cls, id, payment_method=None, return_url=None,
                        **kwargs):
    if payment_method is not None:
        obj = cls._api_retrieve(id)
        obj.payment_method = PaymentMethod._api_retrieve(payment_method).id
    return _pi_confirm(cls, id, **kwargs)


PaymentIntent._api_confirm = classmethod(_pi_confirm_patched)
# The server mounts the extra routes from this list when imported (below), so the patched
# confirm must be in it by then.
resources.extra_apis[:] = [
    (method, url, PaymentIntent._api_confirm
     if url == '/v1/payment_intents/{id}/confirm' else func)
    for method, url, func in resources.extra_apis]

# A declined confirmation's error names its PaymentIntent.
def _pi_report_failure_patched(self):
    schedule_webhook(Event('payment_intent.payment_failed', self))
    charge = self.latest_charge
    raise resources.UserError(402, charge.failure_message, {
        'code': charge.failure_code, 'decline_code': 'generic_decline',
        'charge': charge.id, 'payment_intent': self._export()})


PaymentIntent._report_failure = _pi_report_failure_patched

# A confirmed SetupIntent saves its card on its customer.
_seti_attach = SetupIntent._attach_pm


def _seti_attach_patched(self, pm):
    _seti_attach(self, pm)
    if self.status == 'succeeded' and self.customer:
        pm.customer = self.customer


SetupIntent._attach_pm = _seti_attach_patched

# Payment methods newest first.
_pm_list = PaymentMethod._api_list_all.__func__


def _pm_list_patched(cls, url, **kwargs):
    listed = _pm_list(cls, url, **kwargs)
    listed._list = list(reversed(listed._list))
    return listed


PaymentMethod._api_list_all = classmethod(_pm_list_patched)

# A refund sends `charge.refunded`.
_refund_create = Refund._api_create.__func__


def _refund_create_patched(cls, **data):
    intent = data.get('payment_intent')
    amount = resources.try_convert_to_int(data.get('amount'))
    if intent and type(amount) is int:
        charge = PaymentIntent._api_retrieve(intent).latest_charge
        if charge is not None and amount > charge.amount - charge.amount_refunded:
            raise resources.UserError(
                400, 'Refund amount (%d) is greater than unrefunded amount on '
                'charge (%d)' % (amount, charge.amount - charge.amount_refunded))
    refund = _refund_create(cls, **data)
    charge = resources.Charge._api_retrieve(refund.charge)
    schedule_webhook(Event('charge.refunded', charge))
    return refund


Refund._api_create = classmethod(_refund_create_patched)

# Idempotency-Key: the first answer to a key is the answer to every later request with it.
_answers = {}
_locks = {}


@web.middleware
async def idempotency_middleware(request, handler):
    key = request.headers.get('Idempotency-Key')
    if request.method != 'POST' or not key:
        return await handler(request)
    scope = (key, request.path)
    lock = _locks.setdefault(scope, asyncio.Lock())
    async with lock:
        if scope in _answers:
            status, body = _answers[scope]
            return web.Response(status=status, body=body,
                                content_type='application/json',
                                headers={'Idempotent-Replayed': 'true'})
        response = await handler(request)
        # Like Stripe: a 5xx is not kept, so a retry runs again.
        if response.status < 500 and isinstance(response, web.Response):
            _answers[scope] = (response.status, response.body)
        return response


def main():
    from localstripe import server

    port = int(sys.argv[1])
    store.clear()
    # Outermost, so a replayed answer includes what the error middleware makes of a refusal.
    server.app.middlewares.insert(0, idempotency_middleware)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(('127.0.0.1', port))
    logging.basicConfig(level=logging.WARNING)
    web.run_app(server.app, sock=sock, access_log=None, print=None)


if __name__ == '__main__':
    main()
