package org.headend.control.ike;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.auth.GroupSelection;
import org.headend.control.auth.Logins;
import org.headend.control.config.AaaServerGroup;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.TunnelAuthentication;
import org.headend.control.config.TunnelGroup;
import org.headend.control.ike.sa.IkeSa;

/**
 * The passwords IKEv2 clients send inside EAP, checked through the appliance's one login path ({@link Logins#login}:
 * malformed names refused, the failed-login limiter and the cluster-wide lockout asked and fed, the same log lines
 * as an SSL login). A Cisco AnyConnect client's EAP-AnyConnect password goes to the authentication-server-group of
 * the tunnel-group its {@code group-access} chose, falling back to the local users as that group says, exactly as
 * its SSL login would; an EAP-GTC password goes to the local users. Thread-safe.
 */
public final class IkePasswords
{
    private final Logins logins;
    private final Supplier<HeadendConfig> config;

    public IkePasswords(final Logins logins, final Supplier<HeadendConfig> config)
    {
        this.logins = logins;
        this.config = config;
    }

    /**
     * The tunnel-group an EAP-AnyConnect {@code init}'s {@code group-access} selects, as the SSL login selects it
     * (a {@code group-url}, else {@value HeadendConfig#DEFAULT_TUNNEL_GROUP}); null when that group's users cannot
     * log in with a password alone (certificate, SAML or a second password: none of these travels in EAP-AnyConnect
     * here, and skipping them would let a password alone in).
     */
    public String tunnelGroup(final String groupAccess)
    {
        final HeadendConfig cfg = config.get();
        final TunnelGroup group = cfg.tunnelGroups().get(GroupSelection.resolve(cfg, null, null, groupAccess)
            .tunnelGroup());
        return group == null || group.authentication() != TunnelAuthentication.AAA
            || group.secondaryAuthentication() != null ? null : group.name();
    }

    /** The login of {@code username} with {@code password} from the client of {@code sa}. */
    public CompletionStage<AuthOutcome> check(final IkeSa sa, final String username, final String password)
    {
        final AuthRequest request = AuthRequest.first(username, password, sa.peer().getAddress().getHostAddress(),
            AuthRequest.Purpose.VPN);
        final String groupName = sa.anyConnectTunnelGroup();
        if (groupName == null)
        {
            return logins.login(AaaServerGroup.LOCAL, false, request);
        }
        final TunnelGroup group = config.get().tunnelGroups().get(groupName);
        if (group == null)
        {
            return CompletableFuture.completedFuture(new AuthOutcome.Rejected("tunnel-group " + groupName
                + " was removed during the login"));
        }
        return logins.login(group.authenticationServerGroup(), group.authenticationFallbackLocal(), request);
    }
}
