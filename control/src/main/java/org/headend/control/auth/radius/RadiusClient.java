package org.headend.control.auth.radius;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongSupplier;
import org.headend.control.LogText;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.Authenticator;
import org.headend.control.auth.ServerHealth;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.AaaServerHost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RADIUS client of one {@code aaa-server} group: one UDP socket and one selector thread, so a slow or dead
 * server never holds the control thread or an event loop. Requests are matched to answers by identifier and
 * source; each is retransmitted every {@code retry-interval} until the host's {@code timeout}, then the next live
 * host of the group is tried. {@code max-failed-attempts} unanswered requests in a row mark a host failed; failed
 * hosts come back by the group's {@code reactivation-mode}. When no host is live the answer is
 * {@link AuthOutcome.Unavailable} at once (the caller may fall back to LOCAL).
 * <p>
 * Answers whose Response Authenticator (or Message-Authenticator) does not verify are dropped and counted; the
 * request keeps waiting for the real answer. Everything below runs on the client's thread except
 * {@link #authenticate}, {@link #configure} and {@link #status}, which hand work over through a queue.
 */
public final class RadiusClient implements Authenticator, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(RadiusClient.class);
    /** Requests waiting for a free identifier beyond which new logins are refused (a flood, not a load). */
    static final int MAX_WAITING = 4096;
    private static final int IDENTIFIERS = 256;
    private static final int NAS_PORT_TYPE = 61;
    private static final int NAS_PORT_TYPE_VIRTUAL = 5;
    /** RFC 2548: Microsoft's vendor id and its MS-CHAP attributes. */
    private static final int MICROSOFT = 311;
    private static final int MS_CHAP_ERROR = 2;
    private static final int MS_CHAP_CHALLENGE = 11;
    private static final int MS_CHAP2_RESPONSE = 25;
    private static final int MS_CHAP2_SUCCESS = 26;
    /** The ASA's vendor id (Altiga) and its Group-Policy attribute (dictionary.cisco.asa). */
    public static final int ASA_VENDOR = 3076;
    public static final int ASA_GROUP_POLICY = 25;
    /** IETF Filter-Id. */
    private static final int FILTER_ID = 11;

    private final String groupName;
    private final String nasIdentifier;
    private final LongSupplier nanoClock;
    private final SecureRandom random = new SecureRandom();
    private final DatagramChannel channel;
    private final Selector selector;
    private final Thread thread;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final ByteBuffer receiveBuffer = ByteBuffer.allocate(RadiusPacket.MAX_LENGTH);
    private final Transaction[] inFlight = new Transaction[IDENTIFIERS];
    private final Queue<Transaction> waiting = new ArrayDeque<>();
    /** Host state by address:port, kept across reconfigurations of the same host. */
    private final Map<String, HostState> hosts = new HashMap<>();
    private int nextIdentifier;
    private AaaServerGroup group;
    private volatile boolean closed;

    /** One host's health and counters, as {@code show aaa-server} prints them. */
    public record HostStatus(String address, int port, boolean failed, long requests, long accepts, long rejects,
        long challenges, long timeouts, long badAuthenticators)
    {
    }

    private static final class HostState extends ServerHealth
    {
        private AaaServerHost host;
        private long requests;
        private long accepts;
        private long rejects;
        private long challenges;
        private long timeouts;
        private long badAuthenticators;
    }

    private final class Transaction
    {
        /** The login step, or null for an Accounting-Request. */
        private final AuthRequest request;
        /** An Accounting-Request's attributes, or null for a login. */
        private List<RadiusPacket.Attribute> accounting;
        private final CompletableFuture<AuthOutcome> answer = new CompletableFuture<>();
        private final List<HostState> tried = new ArrayList<>();
        private HostState host;
        private InetSocketAddress target;
        private byte[] authenticator;
        private byte[] packet;
        private int identifier = -1;
        /** The MS-CHAP2-Success the server must send, when the request was MS-CHAPv2; else null. */
        private byte[] expectedSuccess;
        /** The EAP packet relayed in the request (RFC 3579), or null for a password login. */
        private byte[] eap;
        /** What the server's answer carried for an EAP relay: its EAP packet and an Accept's MSK. */
        private byte[] eapAnswer;
        private byte[] msk;
        private int sendsLeft;
        private long deadlineNanos;

        private Transaction(final AuthRequest request)
        {
            this.request = request;
        }
    }

    private RadiusClient(final String groupName, final String nasIdentifier, final LongSupplier nanoClock)
        throws IOException
    {
        this.groupName = groupName;
        this.nasIdentifier = nasIdentifier;
        this.nanoClock = nanoClock;
        this.selector = Selector.open();
        this.channel = openDualStack();
        channel.configureBlocking(false);
        channel.bind(null);
        channel.register(selector, SelectionKey.OP_READ);
        this.thread = new Thread(this::run, "radius-" + groupName);
        thread.setDaemon(true);
    }

    /** An IPv6 socket that reaches IPv4 servers too; an IPv4 one where the host has no IPv6. */
    private static DatagramChannel openDualStack() throws IOException
    {
        try
        {
            return DatagramChannel.open(StandardProtocolFamily.INET6);
        }
        catch (final UnsupportedOperationException | IOException ex)
        {
            return DatagramChannel.open(StandardProtocolFamily.INET);
        }
    }

    /** A client for {@code group}, its thread started. */
    public static RadiusClient start(final AaaServerGroup group, final String nasIdentifier,
        final LongSupplier nanoClock) throws IOException
    {
        final RadiusClient client = new RadiusClient(group.name(), nasIdentifier, nanoClock);
        client.group = group;
        client.syncHosts();
        client.thread.start();
        return client;
    }

    /** Follows a new version of the group's configuration; hosts that stay keep their state. */
    public void configure(final AaaServerGroup updated)
    {
        submit(() ->
        {
            group = updated;
            syncHosts();
        });
    }

    /** The hosts and their counters, in configuration order. */
    public CompletionStage<List<HostStatus>> status()
    {
        final CompletableFuture<List<HostStatus>> out = new CompletableFuture<>();
        submit(() ->
        {
            final List<HostStatus> rows = new ArrayList<>();
            for (final AaaServerHost host : group.hosts())
            {
                final HostState s = hosts.get(key(host));
                rows.add(new HostStatus(host.address().getHostAddress(), host.authenticationPort(), s.failed(),
                    s.requests, s.accepts, s.rejects, s.challenges, s.timeouts, s.badAuthenticators));
            }
            out.complete(rows);
        });
        return out;
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(final AuthRequest request)
    {
        final Transaction transaction = new Transaction(request);
        submit(() -> begin(transaction));
        return transaction.answer;
    }

    /**
     * Relays one EAP response of a peer to the group (RFC 3579): User-Name and State from {@code request}, the packet
     * in EAP-Message attributes, no password. The answer's EAP packet and, with an Accept, the MSK come back with the
     * outcome; answers without a valid Message-Authenticator are dropped. Later rounds of one conversation must reach
     * the server that began it: a failover to another host midway ends in a reject from that host.
     */
    public CompletionStage<RadiusEap.Answer> relayEap(final AuthRequest request, final byte[] eap)
    {
        final Transaction transaction = new Transaction(request);
        transaction.eap = eap.clone();
        submit(() -> begin(transaction));
        // the fields are written on the client's thread before it completes the answer
        return transaction.answer.thenApply(outcome -> new RadiusEap.Answer(outcome, transaction.eapAnswer,
            transaction.msk));
    }

    /**
     * Sends an Accounting-Request (RFC 2866) with {@code attributes} to the group's accounting ports, with the same
     * retransmission and failover as logins; completes with true once a server acknowledged it.
     */
    public CompletionStage<Boolean> account(final List<RadiusPacket.Attribute> attributes)
    {
        final Transaction transaction = new Transaction(null);
        transaction.accounting = List.copyOf(attributes);
        submit(() -> begin(transaction));
        return transaction.answer.thenApply(outcome -> outcome instanceof AuthOutcome.Accepted);
    }

    /** {@link #authenticate} against one host of the group only ({@code test aaa-server}). */
    public CompletionStage<AuthOutcome> test(final InetAddress address, final AuthRequest request)
    {
        final Transaction transaction = new Transaction(request);
        submit(() ->
        {
            for (final HostState state : hosts.values())
            {
                if (!state.host.address().equals(address))
                {
                    transaction.tried.add(state);
                }
            }
            begin(transaction);
        });
        return transaction.answer;
    }

    private void submit(final Runnable command)
    {
        if (closed)
        {
            throw new IllegalStateException("RADIUS client of " + groupName + " is closed");
        }
        commands.add(command);
        selector.wakeup();
    }

    private void syncHosts()
    {
        final Map<String, HostState> kept = new HashMap<>();
        for (final AaaServerHost host : group.hosts())
        {
            final HostState state = hosts.getOrDefault(key(host), new HostState());
            state.host = host;
            kept.put(key(host), state);
        }
        hosts.clear();
        hosts.putAll(kept);
    }

    private static String key(final AaaServerHost host)
    {
        return host.address().getHostAddress() + ":" + host.authenticationPort();
    }

    private void run()
    {
        while (!closed)
        {
            try
            {
                selector.select(Math.max(1, untilNextDeadlineMillis()));
                Runnable command;
                while ((command = commands.poll()) != null)
                {
                    command.run();
                }
                if (!selector.selectedKeys().isEmpty())
                {
                    selector.selectedKeys().clear();
                    receiveAll();
                }
                expire();
            }
            catch (final IOException | RuntimeException ex)
            {
                if (!closed)
                {
                    LOG.error("RADIUS client of {} failed a turn", groupName, ex);
                }
            }
        }
    }

    private long untilNextDeadlineMillis()
    {
        long next = Long.MAX_VALUE;
        final long now = nanoClock.getAsLong();
        for (final Transaction t : inFlight)
        {
            if (t != null)
            {
                next = Math.min(next, t.deadlineNanos - now);
            }
        }
        return next == Long.MAX_VALUE ? 1000 : Math.min(1000, next / 1_000_000 + 1);
    }

    private void begin(final Transaction transaction)
    {
        final HostState host = pickHost(transaction);
        if (host == null)
        {
            transaction.answer.complete(new AuthOutcome.Unavailable(
                "no server of aaa-server " + groupName + " is available"));
            return;
        }
        final int identifier = freeIdentifier();
        if (identifier < 0)
        {
            if (waiting.size() >= MAX_WAITING)
            {
                transaction.answer.complete(new AuthOutcome.Rejected("too many logins in progress"));
            }
            else
            {
                waiting.add(transaction);
            }
            return;
        }
        send(transaction, host, identifier);
    }

    private void send(final Transaction transaction, final HostState host, final int identifier)
    {
        final AaaServerHost config = host.host;
        transaction.host = host;
        transaction.tried.add(host);
        transaction.identifier = identifier;
        inFlight[identifier] = transaction;
        if (transaction.accounting != null)
        {
            transaction.target = new InetSocketAddress(config.address(), config.accountingPort());
            transaction.packet = RadiusPacket.accountingRequest(identifier,
                config.key().getBytes(StandardCharsets.UTF_8), transaction.accounting);
            transaction.authenticator = java.util.Arrays.copyOfRange(transaction.packet, 4, 20);
            transaction.sendsLeft = Math.max(1, config.timeoutSeconds() / config.retryIntervalSeconds());
            host.requests++;
            transmit(transaction);
            return;
        }
        transaction.target = new InetSocketAddress(config.address(), config.authenticationPort());
        transaction.authenticator = new byte[16];
        random.nextBytes(transaction.authenticator);
        final List<RadiusPacket.Attribute> attributes = new ArrayList<>();
        attributes.add(RadiusPacket.Attribute.text(RadiusPacket.USER_NAME, transaction.request.username()));
        attributes.add(RadiusPacket.Attribute.text(RadiusPacket.NAS_IDENTIFIER, nasIdentifier));
        attributes.add(RadiusPacket.Attribute.integer(NAS_PORT_TYPE, NAS_PORT_TYPE_VIRTUAL));
        if (transaction.request.clientAddress() != null)
        {
            attributes.add(RadiusPacket.Attribute.text(RadiusPacket.CALLING_STATION_ID,
                transaction.request.clientAddress()));
        }
        if (transaction.request.state() != null)
        {
            attributes.add(new RadiusPacket.Attribute(RadiusPacket.STATE, transaction.request.state()));
        }
        if (transaction.request.accountingSessionId() != null)
        {
            attributes.add(RadiusPacket.Attribute.text(RadiusPacket.ACCT_SESSION_ID,
                transaction.request.accountingSessionId()));
        }
        final boolean msChapV2 = config.msChapV2() && transaction.eap == null;
        if (transaction.eap != null)
        {
            attributes.addAll(RadiusEap.split(transaction.eap));
        }
        final String password = msChapV2 || transaction.eap != null ? null : transaction.request.password();
        transaction.expectedSuccess = msChapV2 ? msChapV2(transaction, identifier, attributes) : null;
        transaction.packet = RadiusPacket.accessRequest(identifier, transaction.authenticator,
            config.key().getBytes(StandardCharsets.UTF_8), password, attributes);
        transaction.sendsLeft = Math.max(1, config.timeoutSeconds() / config.retryIntervalSeconds());
        host.requests++;
        transmit(transaction);
    }

    /**
     * Adds MS-CHAP-Challenge and MS-CHAP2-Response (RFC 2548 §2.3.2, §2.3.3) for the request's password, fresh
     * challenges each send to a host.
     *
     * @return the MS-CHAP2-Success value the server must answer with (its proof that it knows the password)
     */
    private byte[] msChapV2(final Transaction transaction, final int identifier,
        final List<RadiusPacket.Attribute> attributes)
    {
        final byte[] authenticatorChallenge = new byte[16];
        final byte[] peerChallenge = new byte[16];
        random.nextBytes(authenticatorChallenge);
        random.nextBytes(peerChallenge);
        final String username = transaction.request.username();
        final String password = transaction.request.password();
        final byte[] ntResponse = MsChapV2.ntResponse(authenticatorChallenge, peerChallenge, username, password);
        final byte[] response = new byte[50];
        response[0] = (byte)identifier;
        System.arraycopy(peerChallenge, 0, response, 2, 16);
        System.arraycopy(ntResponse, 0, response, 26, 24);
        attributes.add(RadiusPacket.Attribute.vendor(MICROSOFT, MS_CHAP_CHALLENGE, authenticatorChallenge));
        attributes.add(RadiusPacket.Attribute.vendor(MICROSOFT, MS_CHAP2_RESPONSE, response));
        final byte[] proof = MsChapV2.authenticatorResponse(password, ntResponse, peerChallenge,
            authenticatorChallenge, username).getBytes(StandardCharsets.US_ASCII);
        final byte[] success = new byte[1 + proof.length];
        success[0] = (byte)identifier;
        System.arraycopy(proof, 0, success, 1, proof.length);
        return success;
    }

    /**
     * An Accept to an MS-CHAPv2 request counts only with the server's proof (it could otherwise come from anyone who
     * holds the RADIUS key but not the password store); a Reject's MS-CHAP-Error is its message.
     */
    private static AuthOutcome checkMsChapV2(final RadiusPacket answer, final AuthOutcome outcome,
        final byte[] expectedSuccess)
    {
        if (outcome instanceof AuthOutcome.Accepted)
        {
            final byte[] success = answer.vendor(MICROSOFT, MS_CHAP2_SUCCESS);
            // FreeRADIUS and NPS put the proof first; a message may follow it ("S=... M=Welcome")
            return success != null && success.length >= expectedSuccess.length && java.security.MessageDigest.isEqual(
                java.util.Arrays.copyOf(success, expectedSuccess.length), expectedSuccess) ? outcome
                : new AuthOutcome.Rejected("MS-CHAP2-Success missing or wrong: the server did not prove the password");
        }
        if (outcome instanceof AuthOutcome.Rejected rejected && rejected.message() == null)
        {
            final byte[] error = answer.vendor(MICROSOFT, MS_CHAP_ERROR);
            return error == null || error.length < 2 ? outcome : new AuthOutcome.Rejected(
                new String(error, 1, error.length - 1, StandardCharsets.US_ASCII));
        }
        return outcome;
    }

    /**
     * Keeps an EAP relay's answer packet and an Accept's MSK with the transaction. A challenge must carry the next
     * EAP request; keys that do not decrypt refuse the login (they would key nothing the peer could check).
     */
    private static AuthOutcome readEap(final Transaction transaction, final RadiusPacket answer,
        final AuthOutcome outcome)
    {
        try
        {
            transaction.eapAnswer = RadiusEap.join(answer);
            if (outcome instanceof AuthOutcome.Accepted)
            {
                transaction.msk = RadiusEap.msk(answer, transaction.host.host.key().getBytes(StandardCharsets.UTF_8),
                    transaction.authenticator);
            }
        }
        catch (final RadiusException ex)
        {
            return new AuthOutcome.Rejected(ex.getMessage());
        }
        return outcome instanceof AuthOutcome.Challenged && transaction.eapAnswer == null
            ? new AuthOutcome.Rejected("Access-Challenge without an EAP-Message") : outcome;
    }

    private void transmit(final Transaction transaction)
    {
        transaction.sendsLeft--;
        final long interval = Math.min(transaction.host.host.retryIntervalSeconds(),
            transaction.host.host.timeoutSeconds()) * 1_000_000_000L;
        transaction.deadlineNanos = nanoClock.getAsLong() + interval;
        try
        {
            channel.send(ByteBuffer.wrap(transaction.packet), transaction.target);
        }
        catch (final IOException ex)
        {
            LOG.warn("RADIUS request to {} failed to send: {}", transaction.target, ex.toString());
        }
    }

    private HostState pickHost(final Transaction transaction)
    {
        final long now = nanoClock.getAsLong();
        ServerHealth.reactivate(hosts.values(), group, now);
        for (final AaaServerHost host : group.hosts())
        {
            final HostState state = hosts.get(key(host));
            if (!state.failed() && !transaction.tried.contains(state) && !host.key().isEmpty())
            {
                return state;
            }
        }
        return null;
    }

    private int freeIdentifier()
    {
        for (int i = 0; i < IDENTIFIERS; i++)
        {
            final int candidate = (nextIdentifier + i) & 0xff;
            if (inFlight[candidate] == null)
            {
                nextIdentifier = candidate + 1;
                return candidate;
            }
        }
        return -1;
    }

    private void receiveAll() throws IOException
    {
        for (int i = 0; i < IDENTIFIERS; i++)
        {
            receiveBuffer.clear();
            final SocketAddress from = channel.receive(receiveBuffer);
            if (from == null)
            {
                return;
            }
            onDatagram(receiveBuffer.array(), receiveBuffer.position(), from);
        }
    }

    private void onDatagram(final byte[] datagram, final int length, final SocketAddress from)
    {
        if (length < RadiusPacket.HEADER_LENGTH)
        {
            return;
        }
        final Transaction transaction = inFlight[datagram[1] & 0xff];
        if (transaction == null || !sameEndpoint(transaction.target, from))
        {
            return;
        }
        final AaaServerHost host = transaction.host.host;
        final RadiusPacket answer;
        try
        {
            // RFC 3579 §3.2: an answer about EAP is void without a Message-Authenticator
            answer = RadiusPacket.decodeResponse(datagram, length, transaction.authenticator,
                host.key().getBytes(StandardCharsets.UTF_8),
                host.requireMessageAuthenticator() || transaction.eap != null);
        }
        catch (final RadiusException ex)
        {
            transaction.host.badAuthenticators++;
            LOG.warn("aaa-server {} host {}: answer dropped: {}", groupName, host.address().getHostAddress(),
                ex.getMessage());
            return;
        }
        AuthOutcome outcome = transaction.request == null
            ? answer.code() == RadiusPacket.ACCOUNTING_RESPONSE
                ? new AuthOutcome.Accepted(null, null, null, null, groupName) : null
            : outcome(answer, transaction.request.username(), groupName);
        if (outcome != null && transaction.expectedSuccess != null)
        {
            outcome = checkMsChapV2(answer, outcome, transaction.expectedSuccess);
        }
        if (outcome != null && transaction.eap != null)
        {
            outcome = readEap(transaction, answer, outcome);
        }
        if (outcome == null)
        {
            transaction.host.badAuthenticators++;
            return;
        }
        transaction.host.answered();
        switch (outcome)
        {
            case AuthOutcome.Accepted a ->
            {
                if (transaction.request != null)
                {
                    transaction.host.accepts++;
                }
            }
            case AuthOutcome.Rejected r -> transaction.host.rejects++;
            case AuthOutcome.Challenged c -> transaction.host.challenges++;
            case AuthOutcome.Unavailable u ->
            {
            }
        }
        release(transaction);
        transaction.answer.complete(outcome);
    }

    private static boolean sameEndpoint(final InetSocketAddress target, final SocketAddress from)
    {
        if (!(from instanceof InetSocketAddress source) || source.getPort() != target.getPort())
        {
            return false;
        }
        final InetAddress a = source.getAddress();
        final InetAddress b = target.getAddress();
        return a.equals(b) || java.util.Arrays.equals(v4(a), v4(b));
    }

    /** The IPv4 bytes of an address, IPv4-mapped IPv6 included (the socket is dual-stack). */
    private static byte[] v4(final InetAddress address)
    {
        final byte[] raw = address.getAddress();
        if (raw.length == 4)
        {
            return raw;
        }
        for (int i = 0; i < 10; i++)
        {
            if (raw[i] != 0)
            {
                return raw;
            }
        }
        return raw[10] == (byte)0xff && raw[11] == (byte)0xff ? java.util.Arrays.copyOfRange(raw, 12, 16) : raw;
    }

    /** What an answer means; null for a code that does not answer an Access-Request. */
    static AuthOutcome outcome(final RadiusPacket answer, final String username, final String backend)
    {
        return switch (answer.code())
        {
            case RadiusPacket.ACCESS_ACCEPT -> new AuthOutcome.Accepted(username, assignedGroupPolicy(answer),
                framedAddress(answer.first(RadiusPacket.FRAMED_IP_ADDRESS)), answer.first(RadiusPacket.CLASS), backend,
                name(answer.text(FILTER_ID)));
            case RadiusPacket.ACCESS_REJECT -> new AuthOutcome.Rejected(replyMessage(answer));
            case RadiusPacket.ACCESS_CHALLENGE -> answer.first(RadiusPacket.STATE) == null
                ? new AuthOutcome.Rejected("challenge without State")
                : new AuthOutcome.Challenged(replyMessage(answer), answer.first(RadiusPacket.STATE));
            default -> null;
        };
    }

    /**
     * The group-policy an Access-Accept (or a CoA-Request) assigns: the ASA's own attribute (vendor 3076
     * Group-Policy) when the server sends it, else {@code OU=NAME;} in Class; null when neither names one.
     */
    public static String assignedGroupPolicy(final RadiusPacket answer)
    {
        final byte[] vsa = answer.vendor(ASA_VENDOR, ASA_GROUP_POLICY);
        return vsa != null ? name(new String(vsa, StandardCharsets.UTF_8))
            : groupPolicyOfClass(answer.text(RadiusPacket.CLASS));
    }

    /** A configuration name a server sent: trimmed, 1-64 characters, no blanks or controls; else null. */
    private static String name(final String value)
    {
        if (value == null)
        {
            return null;
        }
        final String name = value.strip();
        return name.isEmpty() || name.length() > 64 || name.chars().anyMatch(c -> c <= ' ' || c == 0x7f) ? null
            : name;
    }

    /** {@code OU=NAME;} anywhere in a Class attribute (the ASA's convention), else null. */
    static String groupPolicyOfClass(final String value)
    {
        if (value == null)
        {
            return null;
        }
        final int at = value.indexOf("OU=");
        if (at < 0)
        {
            return null;
        }
        final int end = value.indexOf(';', at);
        final String name = (end < 0 ? value.substring(at + 3) : value.substring(at + 3, end)).strip();
        return name.isEmpty() || name.length() > 64 ? null : name;
    }

    private static Inet4Address framedAddress(final byte[] value)
    {
        if (value == null || value.length != 4)
        {
            return null;
        }
        try
        {
            final Inet4Address address = (Inet4Address)InetAddress.getByAddress(value);
            // 255.255.255.254 = "NAS selects", 255.255.255.255 = "user may select": both mean the pool
            return (value[0] & value[1] & value[2]) == (byte)0xff && (value[3] & 0xfe) == 0xfe ? null : address;
        }
        catch (final java.net.UnknownHostException ex)
        {
            return null;
        }
    }

    private static String replyMessage(final RadiusPacket answer)
    {
        final StringBuilder text = new StringBuilder();
        for (final RadiusPacket.Attribute attribute : answer.attributes())
        {
            if (attribute.type() == RadiusPacket.REPLY_MESSAGE)
            {
                text.append(new String(attribute.value(), StandardCharsets.UTF_8));
            }
        }
        return text.isEmpty() ? null : text.toString();
    }

    private void expire()
    {
        final long now = nanoClock.getAsLong();
        for (final Transaction transaction : inFlight)
        {
            if (transaction == null || transaction.deadlineNanos - now > 0)
            {
                continue;
            }
            if (transaction.sendsLeft > 0)
            {
                transmit(transaction);
                continue;
            }
            final HostState host = transaction.host;
            host.timeouts++;
            if (host.failure(group.maxFailedAttempts(), now))
            {
                LOG.warn("aaa-server {} host {} failed: {} requests in a row unanswered", groupName,
                    host.host.address().getHostAddress(), host.consecutiveFailures());
            }
            else
            {
                LOG.info("aaa-server {} host {}: no answer for {}", groupName, host.host.address().getHostAddress(),
                    transaction.request == null ? "accounting" : LogText.escape(transaction.request.username()));
            }
            release(transaction);
            begin(transaction);
        }
    }

    private void release(final Transaction transaction)
    {
        inFlight[transaction.identifier] = null;
        final Transaction next = waiting.poll();
        if (next != null)
        {
            begin(next);
        }
    }

    @Override
    public void close()
    {
        closed = true;
        selector.wakeup();
        try
        {
            thread.join(2000);
            selector.close();
            channel.close();
        }
        catch (final IOException | InterruptedException ex)
        {
            LOG.debug("closing the RADIUS client of {}", groupName, ex);
        }
        for (final Transaction transaction : inFlight)
        {
            if (transaction != null)
            {
                transaction.answer.complete(new AuthOutcome.Unavailable("the server group was removed"));
            }
        }
        for (final Transaction transaction : waiting)
        {
            transaction.answer.complete(new AuthOutcome.Unavailable("the server group was removed"));
        }
    }
}
