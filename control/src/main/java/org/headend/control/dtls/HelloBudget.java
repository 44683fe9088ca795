package org.headend.control.dtls;

/**
 * How many ClientHellos naming one tunnel get any cryptographic work: a cookie computed and a HelloVerifyRequest
 * sent, or a cookie checked. Two rates, one for hellos without a cookie and one for hellos with one, so a flood of
 * either kind cannot use up the other's; each allows {@link #BURST} at once and {@link #PER_SECOND} a second after.
 *
 * <p>Why per tunnel: a hello that gets this far names a live tunnel's DTLS id (anything else is ignored before), so
 * the only hellos that cost a HMAC are ones replaying a real client's (or the attacker's own tunnel's). Replayed at
 * 10,000 a second from 100 addresses they each had a cookie computed and sent on the tunnel loop, which delayed every
 * tunnel's packets behind them (floods.sh: ping p99 0.4-2 s, loss). An honest client needs one hello without and one
 * with a cookie per handshake, plus a resend a second while it waits: far below the rate. The price: someone who sees
 * a client's ClientHello on the path can keep that client's own DTLS from coming up again while he replays it fast
 * enough, which he could anyway by dropping its datagrams; other tunnels and new clients are not affected.
 *
 * <p>Thread: the UDP port's event loop only.
 */
final class HelloBudget
{
    static final int PER_SECOND = 2;
    static final int BURST = 10;
    private static final long INTERVAL_NANOS = 1_000_000_000L / PER_SECOND;
    /** How far ahead of now the theoretical arrival time may run: BURST hellos at once. */
    private static final long TOLERANCE_NANOS = (BURST - 1) * INTERVAL_NANOS;

    private final Rate withoutCookie = new Rate();
    private final Rate withCookie = new Rate();

    /**
     * Charges one ClientHello to its kind's rate.
     *
     * @param datagram        the datagram holding the ClientHello (the first fragment), from offset 0
     * @param length          its length
     * @param sessionIdLength the length of its session_id, which the caller has read
     * @param nowNanos        the event loop's clock
     * @return whether it may have its cookie computed or checked; false: ignore it, silently
     */
    boolean take(final byte[] datagram, final int length, final int sessionIdLength, final long nowNanos)
    {
        return (HelloCookies.carriesCookie(datagram, length, sessionIdLength) ? withCookie : withoutCookie)
            .take(nowNanos);
    }

    /** A rate as the generic cell rate algorithm keeps it: one time, no division per hello. */
    private static final class Rate
    {
        private boolean used;
        /** When the next hello would be due if they came exactly at the rate. */
        private long due;

        boolean take(final long nowNanos)
        {
            if (!used)
            {
                used = true;
                due = nowNanos;
            }
            if (due - nowNanos > TOLERANCE_NANOS)
            {
                return false;
            }
            due = Math.max(due, nowNanos) + INTERVAL_NANOS;
            return true;
        }
    }
}
