package org.headend.control.auth;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Logins in progress, keyed by the opaque {@code aggauth-handle} and by the {@code webvpncontext} cookie — never by
 * the TCP connection, because clients may use a new connection for each step (auth-and-portal.md §2.1). Bounded in
 * number and lifetime. Control thread only.
 */
public final class LoginContexts
{
    /** How long a login may take from form to answer (ocserv's auth-timeout default). */
    public static final long TIMEOUT_NANOS = 240_000_000_000L;
    /** Most logins in progress at once; the oldest is forgotten beyond that. */
    public static final int MAX_CONTEXTS = 10_000;

    private final SecureRandom random = new SecureRandom();
    private final LinkedHashMap<String, LoginContext> byHandle = new LinkedHashMap<>();
    private final Map<String, LoginContext> byCookie = new LinkedHashMap<>();

    /** One login attempt. */
    public static final class LoginContext
    {
        private final String handle;
        private final String cookie;
        private final String tunnelGroup;
        private final String alias;
        private final long createdNanos;
        private final String accountingSessionId;
        private int failures;
        /** The server's question waiting for its answer, or null. */
        private PendingStep pending;

        LoginContext(final String handle, final String cookie, final String tunnelGroup, final String alias,
            final long createdNanos, final String accountingSessionId)
        {
            this.accountingSessionId = accountingSessionId;
            this.handle = handle;
            this.cookie = cookie;
            this.tunnelGroup = tunnelGroup;
            this.alias = alias;
            this.createdNanos = createdNanos;
        }

        public String handle()
        {
            return handle;
        }

        public String cookie()
        {
            return cookie;
        }

        public String tunnelGroup()
        {
            return tunnelGroup;
        }

        /** The alias the group was picked by, or null. */
        public String alias()
        {
            return alias;
        }

        /**
         * The Acct-Session-Id of the session this login opens: sent in its Access-Requests and in the session's
         * accounting, so a RADIUS server can tie them together.
         */
        public String accountingSessionId()
        {
            return accountingSessionId;
        }

        public int failures()
        {
            return failures;
        }

        public void failed()
        {
            failures++;
        }

        /** The step a server asked for (RADIUS Access-Challenge) and how to go on, or null when none is pending. */
        public PendingStep pending()
        {
            return pending;
        }

        /** Records the step the server asks for; null once it is answered. */
        public void pending(final PendingStep step)
        {
            this.pending = step;
        }
    }

    /** Starts a login in {@code tunnelGroup}; forgets the context the client's old cookie named, if any. */
    public LoginContext start(final String tunnelGroup, final String oldCookie, final long nowNanos)
    {
        return start(tunnelGroup, null, oldCookie, nowNanos);
    }

    /** Starts a login in {@code tunnelGroup} picked by {@code alias} (or null). */
    public LoginContext start(final String tunnelGroup, final String alias, final String oldCookie,
        final long nowNanos)
    {
        expire(nowNanos);
        if (oldCookie != null)
        {
            final LoginContext old = byCookie.remove(oldCookie);
            if (old != null)
            {
                byHandle.remove(old.handle);
            }
        }
        while (byHandle.size() >= MAX_CONTEXTS)
        {
            final Iterator<LoginContext> oldest = byHandle.values().iterator();
            final LoginContext victim = oldest.next();
            oldest.remove();
            byCookie.remove(victim.cookie);
        }
        // 62 random bits as decimal, like an ASA's handle; the cookie carries 256 bits
        final String handle = Long.toString(random.nextLong() >>> 2);
        final byte[] cookieBytes = new byte[32];
        random.nextBytes(cookieBytes);
        // 64 random bits: unique across restarts without a counter on disk
        final LoginContext context = new LoginContext(handle, HexFormat.of().withUpperCase().formatHex(cookieBytes),
            tunnelGroup, alias, nowNanos, HexFormat.of().withUpperCase().toHexDigits(random.nextLong()));
        byHandle.put(context.handle, context);
        byCookie.put(context.cookie, context);
        return context;
    }

    /**
     * The live context named by the echoed handle or, failing that, by the context cookie. When both are given they
     * must name the same context.
     *
     * @return the context, or null when none matches or it expired
     */
    public LoginContext find(final String handle, final String cookie, final long nowNanos)
    {
        expire(nowNanos);
        final LoginContext byH = handle == null ? null : byHandle.get(handle);
        final LoginContext byC = cookie == null ? null : byCookie.get(cookie);
        if (byH != null && byC != null && byH != byC)
        {
            return null;
        }
        return byH != null ? byH : byC;
    }

    /** Ends a login (it succeeded or was refused for good). */
    public void finish(final LoginContext context)
    {
        byHandle.remove(context.handle);
        byCookie.remove(context.cookie);
    }

    public int size()
    {
        return byHandle.size();
    }

    private void expire(final long nowNanos)
    {
        final Iterator<LoginContext> it = byHandle.values().iterator();
        while (it.hasNext())
        {
            final LoginContext context = it.next();
            if (nowNanos - context.createdNanos < TIMEOUT_NANOS)
            {
                break;
            }
            it.remove();
            byCookie.remove(context.cookie);
        }
    }
}
