package org.headend.control.auth;

import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.headend.control.auth.totp.Base32;
import org.headend.control.auth.totp.Totp;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PasswordHash;
import org.headend.control.config.UserAccount;

/**
 * The {@code LOCAL} back end: {@code username} lines of the running configuration. Answers at once.
 * <p>
 * A user with a {@code totp-secret} has two steps: the right password earns a challenge (a random State, kept here
 * and good for one answer within {@link LoginContexts#TIMEOUT_NANOS}), and the answer must be the user's current
 * RFC 6238 code, ±1 step, from a step later than the last one accepted for that user (no code works twice). Wrong
 * codes are rejections, counted by {@link Logins} with wrong passwords. Thread-safe (SSH logins run on their own
 * threads).
 */
public final class LocalAuthenticator implements Authenticator
{
    public static final String NAME = "LOCAL";
    public static final String TOTP_PROMPT = "Enter the 6-digit code from your authenticator app.";
    /** Challenges outstanding at most; the oldest is forgotten beyond that (its user logs in again). */
    static final int MAX_PENDING = 10_000;
    private static final int STATE_BYTES = 16;
    /** Checked when the user does not exist, so that unknown and known users take the same time. */
    private static final PasswordHash DECOY = PasswordHash.of("decoy-password-never-matches");

    private final Supplier<HeadendConfig> config;
    private final LongSupplier nanoClock;
    private final LongSupplier epochMillis;
    private final SecureRandom random = new SecureRandom();
    /** Outstanding challenges by their State (hex). */
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    /** The last step whose code each user logged in with. */
    private final Map<String, Long> lastUsedStep = new HashMap<>();

    private record Pending(String username, long issuedNanos)
    {
    }

    /**
     * @param nanoClock   ages the outstanding challenges
     * @param epochMillis the wall clock TOTP codes follow
     */
    public LocalAuthenticator(final Supplier<HeadendConfig> config, final LongSupplier nanoClock,
        final LongSupplier epochMillis)
    {
        this.config = config;
        this.nanoClock = nanoClock;
        this.epochMillis = epochMillis;
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(final AuthRequest request)
    {
        return CompletableFuture.completedFuture(check(request));
    }

    /** The same decision, synchronously. */
    public AuthOutcome check(final AuthRequest request)
    {
        if (request.state() != null)
        {
            return answer(request);
        }
        final UserAccount user = config.get().users().get(request.username());
        if (!passwordMatches(user, request))
        {
            return new AuthOutcome.Rejected(null);
        }
        if (request.purpose() == AuthRequest.Purpose.MANAGEMENT && !user.mayManage())
        {
            return new AuthOutcome.Rejected("service-type remote-access");
        }
        if (user.totpSecret() != null)
        {
            return new AuthOutcome.Challenged(TOTP_PROMPT, challenge(user.name()));
        }
        return new AuthOutcome.Accepted(user.name(), null, null, null, NAME);
    }

    /** Spends the time of a password check and decides nothing (a locked-out login must look like a wrong one). */
    void spendPasswordCheck(final AuthRequest request)
    {
        passwordMatches(config.get().users().get(request.username()), request);
    }

    private static boolean passwordMatches(final UserAccount user, final AuthRequest request)
    {
        final boolean matches = (user == null ? DECOY : user.password()).matches(request.password());
        return user != null && matches;
    }

    private synchronized byte[] challenge(final String username)
    {
        expire();
        while (pending.size() >= MAX_PENDING)
        {
            final Iterator<Pending> oldest = pending.values().iterator();
            oldest.next();
            oldest.remove();
        }
        final byte[] state = new byte[STATE_BYTES];
        random.nextBytes(state);
        pending.put(HexFormat.of().formatHex(state), new Pending(username, nanoClock.getAsLong()));
        return state;
    }

    /** The second step: the State names a challenge of this user, and the answer is a fresh code. */
    private synchronized AuthOutcome answer(final AuthRequest request)
    {
        expire();
        final Pending issued = pending.remove(HexFormat.of().formatHex(request.state()));
        final UserAccount user = config.get().users().get(request.username());
        if (issued == null || user == null || !issued.username().equals(user.name()) || user.totpSecret() == null)
        {
            return new AuthOutcome.Rejected("no such challenge");
        }
        final long last = lastUsedStep.getOrDefault(user.name(), Long.MIN_VALUE);
        final long step = Totp.verify(Base32.decode(user.totpSecret()), request.password(), epochMillis.getAsLong(),
            last);
        if (step < 0)
        {
            return new AuthOutcome.Rejected("wrong or already used code");
        }
        lastUsedStep.put(user.name(), step);
        return new AuthOutcome.Accepted(user.name(), null, null, null, NAME);
    }

    private void expire()
    {
        final long now = nanoClock.getAsLong();
        final Iterator<Pending> it = pending.values().iterator();
        while (it.hasNext() && now - it.next().issuedNanos() >= LoginContexts.TIMEOUT_NANOS)
        {
            it.remove();
        }
    }
}
