package org.headend.control.tunnel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.PolicyAttribute;
import org.headend.control.config.RekeyMethod;
import org.headend.control.session.SessionTimers;

/**
 * The timer lines of a CONNECT answer (docs/protocol/tunnel-and-dtls.md §3.3, §8.2, §8.3), from the session's
 * effective policy, and whether the headend renews the TLS keys itself.
 * <p>
 * Rekey, {@code anyconnect ssl rekey method M} with {@code time N}: {@code X-CSTP-Rekey-Method: M} and
 * {@code X-CSTP-Rekey-Time: N×60}.
 * <ul>
 * <li>{@code new-tunnel}: the client reconnects with its cookie; the session, its address and its traffic carry
 * on, and the new CONNECT brings a new DTLS identity, hence new DTLS keys.</li>
 * <li>{@code ssl}: openconnect renegotiates on TLS 1.2 and sends a KeyUpdate (asking for ours) on TLS 1.3; JSSE
 * answers both. On TLS 1.3 the headend also sends its own KeyUpdate every N minutes, as ocserv does, so that the
 * keys are renewed even with a client that does nothing. Since no DTLS rekey is announced, openconnect rebuilds
 * DTLS after each rekey: a fresh DTLS handshake, fresh keys.</li>
 * <li>{@code none}, or no time: {@code X-CSTP-Rekey-Method: none}, which every client that knows the header takes
 * as "no rekey". A time is still sent, one day, because §8.2 reports clients that misbehave without one; a client
 * that ignored the method would at worst reconnect daily, which the session survives.</li>
 * </ul>
 * No {@code X-DTLS-Rekey-*} line is sent (§8.2's recommendation): BouncyCastle cannot renegotiate DTLS, and DTLS
 * gets new keys at every CONNECT and after every TLS rekey anyway.
 */
final class TunnelTimers
{
    /** Rekey time sent along {@code X-CSTP-Rekey-Method: none}. */
    static final long REKEY_OFF_SECONDS = TimeUnit.DAYS.toSeconds(1);
    private static final String TLS_1_3 = "TLSv1.3";

    private final RekeyMethod rekeyMethod;
    private final long rekeySeconds;
    private final SessionTimers timers;
    private final long maxConnectLeftSeconds;

    private TunnelTimers(final RekeyMethod rekeyMethod, final long rekeySeconds, final SessionTimers timers,
        final long maxConnectLeftSeconds)
    {
        this.rekeyMethod = rekeyMethod;
        this.rekeySeconds = rekeySeconds;
        this.timers = timers;
        this.maxConnectLeftSeconds = maxConnectLeftSeconds;
    }

    /**
     * @param policy                the session's effective policy
     * @param maxConnectLeftSeconds what is left of its session timeout, -1 for none
     */
    static TunnelTimers of(final EffectivePolicy policy, final long maxConnectLeftSeconds)
    {
        final RekeyMethod method = policy.get(PolicyAttribute.SSL_REKEY_METHOD);
        final int minutes = policy.get(PolicyAttribute.SSL_REKEY_TIME);
        final boolean rekey = method != RekeyMethod.NONE && minutes > 0;
        return new TunnelTimers(rekey ? method : RekeyMethod.NONE,
            rekey ? TimeUnit.MINUTES.toSeconds(minutes) : REKEY_OFF_SECONDS, SessionTimers.of(policy),
            maxConnectLeftSeconds);
    }

    /** The answer's timer lines, in order. */
    List<Map.Entry<String, String>> headers()
    {
        final List<Map.Entry<String, String>> lines = new ArrayList<>(6);
        lines.add(Map.entry("X-CSTP-Idle-Timeout", secondsOrNone(timers.idleNanos())));
        lines.add(Map.entry("X-CSTP-Disconnected-Timeout", secondsOrNone(timers.disconnectedNanos())));
        lines.add(Map.entry("X-CSTP-Session-Timeout", secondsOrNone(timers.maxConnectNanos())));
        lines.add(Map.entry("X-CSTP-Session-Timeout-Remaining",
            maxConnectLeftSeconds < 0 ? "none" : Long.toString(maxConnectLeftSeconds)));
        lines.add(Map.entry("X-CSTP-Rekey-Time", Long.toString(rekeySeconds)));
        lines.add(Map.entry("X-CSTP-Rekey-Method", rekeyMethod.keyword()));
        return lines;
    }

    /** Seconds between the headend's own key updates on a tunnel negotiated with {@code tlsProtocol}; 0 for none. */
    long serverKeyUpdateSeconds(final String tlsProtocol)
    {
        return rekeyMethod == RekeyMethod.SSL && TLS_1_3.equals(tlsProtocol) ? rekeySeconds : 0;
    }

    private static String secondsOrNone(final long nanos)
    {
        return nanos == 0 ? "none" : Long.toString(TimeUnit.NANOSECONDS.toSeconds(nanos));
    }
}
