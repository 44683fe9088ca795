package org.headend.control.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.headend.control.LogText;
import org.headend.control.auth.radius.RadiusClient;
import org.headend.control.auth.radius.RadiusPacket;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.TunnelGroup;
import org.headend.control.session.Session;
import org.headend.control.session.SessionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RADIUS accounting (RFC 2866) for the tunnel-groups that name an {@code accounting-server-group}: Start when a
 * session opens, Stop when it ends with the octets and packets it moved — the counters {@code show vpn-sessiondb}
 * shows — split into Acct-*-Octets and Acct-*-Gigawords. Sends and forgets: the answer only matters to the RADIUS
 * client's retransmission. Control thread only.
 */
public final class RadiusAccounting
{
    private static final Logger LOG = LoggerFactory.getLogger(RadiusAccounting.class);
    private static final int START = 1;
    private static final int STOP = 2;
    private static final int CAUSE_USER_REQUEST = 1;
    private static final int CAUSE_IDLE_TIMEOUT = 4;
    private static final int CAUSE_SESSION_TIMEOUT = 5;
    private static final int CAUSE_ADMIN_RESET = 6;
    private static final int CAUSE_NAS_REBOOT = 11;

    private final Supplier<HeadendConfig> config;
    private final Logins logins;
    /** Makes Acct-Session-Id unique across restarts: session indexes start at 1 again. */
    private final long bootSeconds = Instant.now().getEpochSecond();

    public RadiusAccounting(final Supplier<HeadendConfig> config, final Logins logins)
    {
        this.config = config;
        this.logins = logins;
    }

    /** Acct-Status-Type Start for a session that just opened. */
    public void start(final Session session)
    {
        final RadiusClient client = client(session.tunnelGroup());
        if (client == null)
        {
            return;
        }
        final List<RadiusPacket.Attribute> attributes = common(START, session.username(), session.index(),
            session.lastClient().address());
        if (session.aaa().framedAddress() != null)
        {
            attributes.add(new RadiusPacket.Attribute(RadiusPacket.FRAMED_IP_ADDRESS,
                session.aaa().framedAddress().getAddress()));
        }
        send(client, attributes, "Start", session.username());
    }

    /** Acct-Status-Type Stop with the session's final counters. */
    public void stop(final SessionView last, final String why)
    {
        final RadiusClient client = client(last.tunnelGroup());
        if (client == null)
        {
            return;
        }
        final List<RadiusPacket.Attribute> attributes = common(STOP, last.username(), last.index(), last.publicIp());
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_SESSION_TIME, last.duration().toSeconds()));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_INPUT_OCTETS, last.bytesRx() & 0xffffffffL));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_INPUT_GIGAWORDS, last.bytesRx() >>> 32));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_OUTPUT_OCTETS, last.bytesTx() & 0xffffffffL));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_OUTPUT_GIGAWORDS, last.bytesTx() >>> 32));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_INPUT_PACKETS, last.packetsRx()));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_OUTPUT_PACKETS, last.packetsTx()));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_TERMINATE_CAUSE, cause(why)));
        if (last.assignedIp() != null)
        {
            attributes.add(new RadiusPacket.Attribute(RadiusPacket.FRAMED_IP_ADDRESS,
                java.net.InetAddress.ofLiteral(last.assignedIp()).getAddress()));
        }
        send(client, attributes, "Stop", last.username());
    }

    private RadiusClient client(final String tunnelGroup)
    {
        final HeadendConfig cfg = config.get();
        final TunnelGroup group = cfg.tunnelGroup(tunnelGroup).orElse(null);
        return group == null || group.accountingServerGroup() == null ? null
            : logins.radius(group.accountingServerGroup());
    }

    private List<RadiusPacket.Attribute> common(final int status, final String username, final int index,
        final String clientAddress)
    {
        final List<RadiusPacket.Attribute> attributes = new ArrayList<>();
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_STATUS_TYPE, status));
        attributes.add(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, username));
        attributes.add(RadiusPacket.Attribute.text(RadiusPacket.ACCT_SESSION_ID, sessionId(index)));
        attributes.add(RadiusPacket.Attribute.text(RadiusPacket.NAS_IDENTIFIER, config.get().hostname()));
        if (clientAddress != null)
        {
            attributes.add(RadiusPacket.Attribute.text(RadiusPacket.CALLING_STATION_ID, clientAddress));
        }
        return attributes;
    }

    /** The Acct-Session-Id of session {@code index}: the same in its Start and its Stop. */
    String sessionId(final int index)
    {
        return String.format("%08X%08X", bootSeconds, index);
    }

    private static int cause(final String why)
    {
        if (why.contains("logged out"))
        {
            return CAUSE_USER_REQUEST;
        }
        if (why.contains("idle"))
        {
            return CAUSE_IDLE_TIMEOUT;
        }
        if (why.contains("timeout") || why.contains("expired"))
        {
            return CAUSE_SESSION_TIMEOUT;
        }
        return why.contains("shutting down") ? CAUSE_NAS_REBOOT : CAUSE_ADMIN_RESET;
    }

    private static void send(final RadiusClient client, final List<RadiusPacket.Attribute> attributes,
        final String what, final String username)
    {
        client.account(attributes).whenComplete((acknowledged, error) ->
        {
            if (error != null || !acknowledged)
            {
                LOG.warn("accounting {} of {}: no server acknowledged it", what, LogText.escape(username));
            }
        });
    }
}
