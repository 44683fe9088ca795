package org.headend.control.auth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.headend.control.LogText;
import org.headend.control.auth.radius.RadiusClient;
import org.headend.control.auth.radius.RadiusPacket;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.TunnelGroup;
import org.headend.control.ops.VpnEvents;
import org.headend.control.session.Session;
import org.headend.control.session.SessionView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RADIUS accounting (RFC 2866, RFC 2869 §5.1-5.2) for the tunnel-groups that name an {@code accounting-server-group}:
 * Start when a session opens; Interim-Update, when the group has {@code interim-accounting-update}, each time a
 * tunnel joins the session and, with {@code periodic N}, every N hours; Stop when it ends. Interim-Update and Stop
 * carry the octets and packets the session moved — the counters {@code show vpn-sessiondb} shows — split into
 * Acct-*-Octets and Acct-*-Gigawords. The Acct-Session-Id is the one the login's Access-Requests carried. Sends and
 * forgets: the answer only matters to the RADIUS client's retransmission. Control thread only.
 * <p>
 * The periodic pass looks at each accounted session once a minute, but a slice at a time: the records sit in
 * {@value #SLICES} slices by session index, and each {@link #periodic} tick (every second) reads one. Sessions that
 * logged in together (a login storm, all due again N hours later) have consecutive indexes, so their Interim-Updates
 * leave over the minute, not in one burst, and a tick reads only its slice's counters.
 */
public final class RadiusAccounting implements VpnEvents
{
    private static final Logger LOG = LoggerFactory.getLogger(RadiusAccounting.class);
    private static final int START = 1;
    private static final int STOP = 2;
    private static final int INTERIM_UPDATE = 3;
    private static final int CAUSE_USER_REQUEST = 1;
    private static final int CAUSE_IDLE_TIMEOUT = 4;
    private static final int CAUSE_SESSION_TIMEOUT = 5;
    private static final int CAUSE_ADMIN_RESET = 6;
    private static final int CAUSE_NAS_REBOOT = 11;
    private static final long NANOS_PER_HOUR = 3_600_000_000_000L;
    /** Slices of the periodic pass: one {@link #periodic} tick each, so a session is looked at every this many. */
    public static final int SLICES = 60;
    /** Period of {@link #periodic}: the whole pass takes {@value #SLICES} of these, a minute. */
    public static final int TICK_SECONDS = 1;

    private final Supplier<HeadendConfig> config;
    private final Logins logins;
    private final LongSupplier nanoClock;
    /** Makes the Acct-Session-Id of a session without one (restored after a restart) unique: indexes restart at 1. */
    private final long bootSeconds = Instant.now().getEpochSecond();
    /**
     * The accounted sessions by index, in slices by index modulo {@value #SLICES}: their Acct-Session-Id, tunnel-group
     * and when their last record was sent.
     */
    @SuppressWarnings("unchecked")
    private final Map<Integer, Accounted>[] slices = new Map[SLICES];
    /** The slice the next {@link #periodic} tick reads. */
    private int tick;
    private Function<Session, SessionView> views = session -> null;

    private static final class Accounted
    {
        private final String id;
        private final String tunnelGroup;
        private long lastSentNanos;

        private Accounted(final String id, final String tunnelGroup, final long lastSentNanos)
        {
            this.id = id;
            this.tunnelGroup = tunnelGroup;
            this.lastSentNanos = lastSentNanos;
        }
    }

    public RadiusAccounting(final Supplier<HeadendConfig> config, final Logins logins, final LongSupplier nanoClock)
    {
        this.config = config;
        this.logins = logins;
        this.nanoClock = nanoClock;
        for (int i = 0; i < SLICES; i++)
        {
            slices[i] = new HashMap<>();
        }
    }

    private Map<Integer, Accounted> slice(final int index)
    {
        return slices[Math.floorMod(index, SLICES)];
    }

    /** How a session's counters are read when a tunnel joins it ({@code SessionManager::view}). */
    public RadiusAccounting views(final Function<Session, SessionView> value)
    {
        views = value;
        return this;
    }

    /** Acct-Status-Type Start for a session that just opened, under the Acct-Session-Id of its login. */
    public void start(final Session session, final String accountingSessionId)
    {
        final RadiusClient client = client(session.tunnelGroup());
        if (client == null)
        {
            return;
        }
        final String id = accountingSessionId != null ? accountingSessionId : sessionId(session.index());
        slice(session.index()).put(session.index(), new Accounted(id, session.tunnelGroup(), nanoClock.getAsLong()));
        final List<RadiusPacket.Attribute> attributes = common(START, session.username(), id,
            session.lastClient().address());
        if (session.aaa().framedAddress() != null)
        {
            attributes.add(new RadiusPacket.Attribute(RadiusPacket.FRAMED_IP_ADDRESS,
                session.aaa().framedAddress().getAddress()));
        }
        send(client, attributes, "Start", session.username());
    }

    /** The Acct-Session-Id session {@code index} is accounted under, or null when it is not accounted. */
    public String accountingSessionId(final int index)
    {
        final Accounted record = slice(index).get(index);
        return record == null ? null : record.id;
    }

    /** A tunnel joined the session: an Interim-Update where the group asks for them. */
    @Override
    public void tunnelUp(final Session session, final Session.Tunnel tunnel, final long sinceLoginNanos)
    {
        final SessionView view = views.apply(session);
        if (view != null && interimGroup(view.tunnelGroup()) != null)
        {
            interim(view);
        }
    }

    /**
     * One tick of the periodic pass, every {@value #TICK_SECONDS} s: sends the Interim-Updates that {@code periodic N}
     * makes due in this tick's slice, one per session every N hours since its last record. Only a due session's
     * counters are read. A session restored after a restart gets its record when a tunnel joins it (until then it
     * moves nothing to account).
     *
     * @param sessions the live session of an index as {@code show vpn-sessiondb} shows it, or null when it ended
     */
    public void periodic(final IntFunction<SessionView> sessions)
    {
        final Map<Integer, Accounted> slice = slices[tick];
        tick = (tick + 1) % SLICES;
        final long now = nanoClock.getAsLong();
        for (final var iterator = slice.entrySet().iterator(); iterator.hasNext();)
        {
            final Map.Entry<Integer, Accounted> entry = iterator.next();
            final AaaServerGroup group = interimGroup(entry.getValue().tunnelGroup);
            if (group == null || group.interimHours() == 0
                || now - entry.getValue().lastSentNanos < group.interimHours() * NANOS_PER_HOUR)
            {
                continue;
            }
            final SessionView view = sessions.apply(entry.getKey());
            if (view == null)
            {
                iterator.remove(); // ended without a Stop (its group lost its accounting server): nothing to update
                continue;
            }
            interim(view);
        }
    }

    private void interim(final SessionView view)
    {
        final RadiusClient client = client(view.tunnelGroup());
        final Accounted record = slice(view.index()).computeIfAbsent(view.index(),
            index -> new Accounted(sessionId(index), view.tunnelGroup(), 0));
        record.lastSentNanos = nanoClock.getAsLong();
        final List<RadiusPacket.Attribute> attributes = common(INTERIM_UPDATE, view.username(), record.id,
            view.publicIp());
        counters(attributes, view);
        send(client, attributes, "Interim-Update", view.username());
    }

    /** Acct-Status-Type Stop with the session's final counters. */
    public void stop(final SessionView last, final String why)
    {
        final Accounted record = slice(last.index()).remove(last.index());
        final RadiusClient client = client(last.tunnelGroup());
        if (client == null)
        {
            return;
        }
        final List<RadiusPacket.Attribute> attributes = common(STOP, last.username(),
            record != null ? record.id : sessionId(last.index()), last.publicIp());
        counters(attributes, last);
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_TERMINATE_CAUSE, cause(why)));
        send(client, attributes, "Stop", last.username());
    }

    /** The session's time, octets (with gigawords), packets and address, as Interim-Update and Stop carry them. */
    private static void counters(final List<RadiusPacket.Attribute> attributes, final SessionView view)
    {
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_SESSION_TIME, view.duration().toSeconds()));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_INPUT_OCTETS, view.bytesRx() & 0xffffffffL));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_INPUT_GIGAWORDS, view.bytesRx() >>> 32));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_OUTPUT_OCTETS, view.bytesTx() & 0xffffffffL));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_OUTPUT_GIGAWORDS, view.bytesTx() >>> 32));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_INPUT_PACKETS, view.packetsRx()));
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_OUTPUT_PACKETS, view.packetsTx()));
        if (view.assignedIp() != null)
        {
            attributes.add(new RadiusPacket.Attribute(RadiusPacket.FRAMED_IP_ADDRESS,
                java.net.InetAddress.ofLiteral(view.assignedIp()).getAddress()));
        }
    }

    private RadiusClient client(final String tunnelGroup)
    {
        final TunnelGroup group = config.get().tunnelGroup(tunnelGroup).orElse(null);
        return group == null || group.accountingServerGroup() == null ? null
            : logins.radius(group.accountingServerGroup());
    }

    /** The accounting server group of {@code tunnelGroup} when it has {@code interim-accounting-update}, else null. */
    private AaaServerGroup interimGroup(final String tunnelGroup)
    {
        final HeadendConfig cfg = config.get();
        final TunnelGroup group = cfg.tunnelGroup(tunnelGroup).orElse(null);
        if (group == null || group.accountingServerGroup() == null || client(tunnelGroup) == null)
        {
            return null;
        }
        return cfg.aaaServer(group.accountingServerGroup()).filter(AaaServerGroup::interimUpdates).orElse(null);
    }

    private List<RadiusPacket.Attribute> common(final int status, final String username, final String id,
        final String clientAddress)
    {
        final List<RadiusPacket.Attribute> attributes = new ArrayList<>();
        attributes.add(RadiusPacket.Attribute.integer(RadiusPacket.ACCT_STATUS_TYPE, status));
        attributes.add(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, username));
        attributes.add(RadiusPacket.Attribute.text(RadiusPacket.ACCT_SESSION_ID, id));
        attributes.add(RadiusPacket.Attribute.text(RadiusPacket.NAS_IDENTIFIER, config.get().hostname()));
        if (clientAddress != null)
        {
            attributes.add(RadiusPacket.Attribute.text(RadiusPacket.CALLING_STATION_ID, clientAddress));
        }
        return attributes;
    }

    /** The Acct-Session-Id of session {@code index} when its login gave none: the same in all its records. */
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
        try
        {
            client.account(attributes).whenComplete((acknowledged, error) ->
            {
                if (error != null || !acknowledged)
                {
                    LOG.warn("accounting {} of {}: no server acknowledged it", what, LogText.escape(username));
                }
            });
        }
        catch (final IllegalStateException ex)
        {
            // the server group was just removed from the configuration: nobody to send to any more
            LOG.warn("accounting {} of {}: {}", what, LogText.escape(username), ex.getMessage());
        }
    }
}
