package org.headend.control.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.headend.control.config.EffectivePolicy;
import org.headend.control.config.PolicyAttribute;

/**
 * Whether a live session can move from one effective policy to another without its client reconnecting (a RADIUS
 * CoA naming another group-policy). Only these attributes can differ:
 * <ul>
 * <li>{@code vpn-idle-timeout} and {@code vpn-session-timeout}: the session timers read the policy at every
 * sweep;</li>
 * <li>{@code anyconnect dpd-interval gateway}: the headend's own probing, which the client is never told of;</li>
 * <li>{@code vpn-simultaneous-logins} and {@code banner}: used at login only, so the running session has nothing
 * to change and the user's next login gets the new ones.</li>
 * </ul>
 * Every other attribute is either announced to the client at CONNECT (DNS servers, default domain, split tunnel and
 * split DNS, MTU, keepalive, client DPD, DTLS, compression, rekey, addresses, profiles and custom attributes) or
 * decided who could log in at all (vpn-tunnel-protocol, group-lock): the client would have to reconnect to get
 * it, so a change of any of them is refused as a whole, as RFC 5176 §3.4 asks of a CoA the NAS cannot honour.
 */
final class GroupPolicyChange
{
    /** What a running session can take from a new policy. */
    static final Set<PolicyAttribute<?>> LIVE = Set.of(PolicyAttribute.VPN_IDLE_TIMEOUT,
        PolicyAttribute.VPN_SESSION_TIMEOUT, PolicyAttribute.DPD_GATEWAY, PolicyAttribute.VPN_SIMULTANEOUS_LOGINS,
        PolicyAttribute.BANNER);

    private GroupPolicyChange()
    {
    }

    /** The names of the attributes that differ between {@code now} and {@code next} and need a reconnect. */
    static List<String> needingReconnect(final EffectivePolicy now, final EffectivePolicy next)
    {
        final List<String> names = new ArrayList<>();
        for (final PolicyAttribute<?> attribute : PolicyAttribute.all())
        {
            if (!LIVE.contains(attribute) && !Objects.equals(now.get(attribute), next.get(attribute)))
            {
                names.add(attribute.name());
            }
        }
        return names;
    }
}
