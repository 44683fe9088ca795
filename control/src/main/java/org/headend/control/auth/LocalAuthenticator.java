package org.headend.control.auth;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.PasswordHash;
import org.headend.control.config.UserAccount;

/** The {@code LOCAL} back end: {@code username} lines of the running configuration. Answers at once. */
public final class LocalAuthenticator implements Authenticator
{
    public static final String NAME = "LOCAL";
    /** Checked when the user does not exist, so that unknown and known users take the same time. */
    private static final PasswordHash DECOY = PasswordHash.of("decoy-password-never-matches");

    private final Supplier<HeadendConfig> config;

    public LocalAuthenticator(final Supplier<HeadendConfig> config)
    {
        this.config = config;
    }

    @Override
    public CompletionStage<AuthOutcome> authenticate(final AuthRequest request)
    {
        return CompletableFuture.completedFuture(check(request));
    }

    /** The same decision, synchronously. */
    public AuthOutcome check(final AuthRequest request)
    {
        final UserAccount user = config.get().users().get(request.username());
        final boolean passwordOk = (user == null ? DECOY : user.password()).matches(request.password());
        if (user == null || !passwordOk)
        {
            return new AuthOutcome.Rejected(null);
        }
        if (request.purpose() == AuthRequest.Purpose.MANAGEMENT && !user.mayManage())
        {
            return new AuthOutcome.Rejected("service-type remote-access");
        }
        return new AuthOutcome.Accepted(user.name(), null, null, null, NAME);
    }
}
