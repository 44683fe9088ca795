package org.headend.control.auth.ldap;

import com.unboundid.ldap.sdk.BindResult;
import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.ExtendedResult;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10RequestControl;
import com.unboundid.ldap.sdk.extensions.PasswordModifyExtendedRequest;
import com.unboundid.ldap.sdk.extensions.StartTLSExtendedRequest;
import javax.net.ssl.SSLContext;
import org.headend.control.auth.AuthOutcome;
import org.headend.control.auth.AuthRequest;
import org.headend.control.config.AaaServerHost;
import org.headend.control.config.LdapAttributeMap;
import org.headend.control.config.LdapHostSettings;

/**
 * One login checked against one LDAP server, on one connection, the way the ASA does it: connect (LDAPS, or plain
 * then StartTLS, the certificate checked), bind as the {@code ldap-login-dn} service account, search the user by
 * {@code ldap-naming-attribute} with the typed name escaped into the filter (so {@code alice*)(uid=*} is a name, not
 * a filter), bind as the entry found with the typed password, then map the entry's attributes. Blocking: runs on
 * the server group's own threads, never on the control thread or an event loop.
 */
final class LdapLogin
{
    /** The server could not be asked (down, TLS refused, service account refused): the next server may. */
    static final class HostFailure extends Exception
    {
        private static final long serialVersionUID = 1L;

        HostFailure(final String why, final Throwable cause)
        {
            super(why, cause);
        }
    }

    private static final int MAX_DIAGNOSTIC = 400;
    /** The naming value of the decoy entry: random per run, so no directory can hold it by chance or design. */
    private static final String DECOY_NAME = "headend-no-such-user-" + java.util.HexFormat.of().toHexDigits(
        new java.security.SecureRandom().nextLong());

    private LdapLogin()
    {
    }

    /** The search filter for {@code username}: one equality assertion, every special character escaped. */
    static Filter userFilter(final String namingAttribute, final String username)
    {
        return Filter.createEqualityFilter(namingAttribute, username);
    }

    /**
     * Checks {@code request} against {@code host}.
     *
     * @param tls     the trust for LDAPS/StartTLS; null for plain LDAP
     * @param map     the host's attribute map, or null
     * @param backend the server group's name, for the outcome
     * @return Accepted with the mapped group-policy, or Rejected (unknown user, wrong password, expired password)
     * @throws HostFailure when this server cannot answer; the user's credentials were not judged
     */
    static AuthOutcome attempt(final AaaServerHost host, final SSLContext tls, final LdapAttributeMap map,
        final AuthRequest request, final String backend) throws HostFailure
    {
        final LdapHostSettings ldap = host.ldap();
        final int timeoutMillis = host.timeoutSeconds() * 1000;
        try (LDAPConnection connection = open(host, tls))
        {
            connect(connection, host.address().getHostAddress(), ldap, tls, timeoutMillis);
            final SearchResultEntry user = findUser(connection, host, map, request.username());
            if (user == null)
            {
                bindAsDecoy(connection, ldap, request);
                return new AuthOutcome.Rejected("no entry has " + ldap.effectiveNamingAttribute() + " = the name");
            }
            return bindAsUser(connection, user, ldap, map, request, backend);
        }
    }

    /** An unconnected connection with the host's timeouts, TLS from the first byte for LDAPS. */
    private static LDAPConnection open(final AaaServerHost host, final SSLContext tls)
    {
        final int timeoutMillis = host.timeoutSeconds() * 1000;
        final LDAPConnectionOptions options = new LDAPConnectionOptions();
        options.setConnectTimeoutMillis(timeoutMillis);
        options.setResponseTimeoutMillis(timeoutMillis);
        options.setFollowReferrals(false);
        options.setUseSynchronousMode(true);
        options.setBindWithDNRequiresPassword(true);
        return host.ldap().transport() == LdapHostSettings.Transport.LDAPS
            ? new LDAPConnection(new EndpointCheckingSocketFactory(tls.getSocketFactory()), options)
            : new LDAPConnection(options);
    }

    /**
     * Looks {@code username} up without a password ({@code authorization-server-group}: another server checked it):
     * connect, service bind, search, map.
     *
     * @return Accepted with the mapped group-policy, or Rejected when no single entry has that name
     * @throws HostFailure when this server cannot answer
     */
    static AuthOutcome lookup(final AaaServerHost host, final SSLContext tls, final LdapAttributeMap map,
        final String username, final String backend) throws HostFailure
    {
        try (LDAPConnection connection = open(host, tls))
        {
            connect(connection, host.address().getHostAddress(), host.ldap(), tls, host.timeoutSeconds() * 1000);
            final SearchResultEntry user = findUser(connection, host, map, username);
            return user == null ? new AuthOutcome.Rejected("the user is not in the directory")
                : new AuthOutcome.Accepted(username, LdapAttributeMapper.groupPolicy(map, user), null, null, backend);
        }
    }

    private static void connect(final LDAPConnection connection, final String address, final LdapHostSettings ldap,
        final SSLContext tls, final int timeoutMillis) throws HostFailure
    {
        try
        {
            connection.connect(address, ldap.effectivePort(), timeoutMillis);
            if (ldap.transport() == LdapHostSettings.Transport.STARTTLS)
            {
                final ExtendedResult started = connection.processExtendedOperation(
                    new StartTLSExtendedRequest(new EndpointCheckingSocketFactory(tls.getSocketFactory())));
                if (started.getResultCode() != ResultCode.SUCCESS)
                {
                    throw new HostFailure("StartTLS refused: " + started.getResultCode(), null);
                }
            }
            if (ldap.loginDn() != null)
            {
                if (ldap.loginPassword() == null)
                {
                    throw new HostFailure("ldap-login-dn is set without ldap-login-password", null);
                }
                connection.bind(new SimpleBindRequest(ldap.loginDn(), ldap.loginPassword()));
            }
        }
        catch (final LDAPException ex)
        {
            throw new HostFailure(describe(ex), ex);
        }
    }

    private static SearchResultEntry findUser(final LDAPConnection connection, final AaaServerHost host,
        final LdapAttributeMap map, final String username) throws HostFailure
    {
        final LdapHostSettings ldap = host.ldap();
        final String[] attributes = map == null || map.names().isEmpty() ? new String[] {SearchRequest.NO_ATTRIBUTES}
            : map.names().keySet().toArray(String[]::new);
        final SearchRequest search = new SearchRequest(ldap.baseDn() == null ? "" : ldap.baseDn(),
            ldap.subtree() ? SearchScope.SUB : SearchScope.ONE, DereferencePolicy.NEVER, 2, host.timeoutSeconds(),
            false, userFilter(ldap.effectiveNamingAttribute(), username), attributes);
        final SearchResult result;
        try
        {
            result = connection.search(search);
        }
        catch (final LDAPSearchException ex)
        {
            if (ex.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED)
            {
                return null; // the name is not unique: nobody logs in as "one of them"
            }
            throw new HostFailure("the user search failed: " + describe(ex), ex);
        }
        return result.getEntryCount() == 1 ? result.getSearchEntries().getFirst() : null;
    }

    private static AuthOutcome bindAsUser(final LDAPConnection connection, final SearchResultEntry user,
        final LdapHostSettings ldap, final LdapAttributeMap map, final AuthRequest request, final String backend)
        throws HostFailure
    {
        final BindResult bound;
        try
        {
            bound = connection.bind(new SimpleBindRequest(user.getDN(), request.password(),
                new DraftBeheraLDAPPasswordPolicy10RequestControl()));
        }
        catch (final LDAPException ex)
        {
            if (!ResultCode.isConnectionUsable(ex.getResultCode()))
            {
                throw new HostFailure("the user bind failed: " + describe(ex), ex);
            }
            return new AuthOutcome.Rejected(describe(ex),
                PasswordPolicyAnswer.ofRefusal(ex.toLDAPResult(), ldap.serverType()));
        }
        final String changeFirst = PasswordPolicyAnswer.ofSuccess(bound, ldap.serverType());
        if (changeFirst != null)
        {
            // the bind went through, restricted to changing the password: the user may do that now
            return new AuthOutcome.Rejected("the password must be changed first", changeFirst, true);
        }
        return new AuthOutcome.Accepted(request.username(), LdapAttributeMapper.groupPolicy(map, user), null, null,
            backend, null, PasswordPolicyAnswer.expiresIn(bound, ldap.serverType()));
    }

    /**
     * Changes the password of {@code request}'s user to {@code newPassword} the standard way (RFC 3062 Password
     * Modify, which OpenLDAP's ppolicy allows after a reset): connect, service bind, search, bind as the user with
     * the old password, the change on that connection, then a bind with the new password, whose answer decides.
     *
     * @return Accepted with the mapped group-policy once the new password works; Rejected when the old password is
     *         wrong or the directory refused the new one (its reason shown to the user, who proved the old one)
     * @throws HostFailure when this server cannot answer
     */
    static AuthOutcome change(final AaaServerHost host, final SSLContext tls, final LdapAttributeMap map,
        final AuthRequest request, final String newPassword, final String backend) throws HostFailure
    {
        final LdapHostSettings ldap = host.ldap();
        try (LDAPConnection connection = open(host, tls))
        {
            connect(connection, host.address().getHostAddress(), ldap, tls, host.timeoutSeconds() * 1000);
            final SearchResultEntry user = findUser(connection, host, map, request.username());
            if (user == null)
            {
                bindAsDecoy(connection, ldap, request);
                return new AuthOutcome.Rejected("no entry has " + ldap.effectiveNamingAttribute() + " = the name");
            }
            final AuthOutcome old = bindAsUser(connection, user, ldap, map, request, backend);
            if (!(old instanceof AuthOutcome.Accepted)
                && !(old instanceof AuthOutcome.Rejected refused && refused.mayChangePassword()))
            {
                return old;
            }
            final ExtendedResult changed;
            try
            {
                changed = connection.processExtendedOperation(new PasswordModifyExtendedRequest(user.getDN(),
                    request.password(), newPassword));
            }
            catch (final LDAPException ex)
            {
                throw new HostFailure("the password change failed: " + describe(ex), ex);
            }
            if (changed.getResultCode() != ResultCode.SUCCESS)
            {
                final String why = describe(new LDAPException(changed));
                return new AuthOutcome.Rejected("the directory refused the new password: " + why,
                    "The new password was not accepted (" + why + ").");
            }
            return bindAsUser(connection, user, ldap, map, new AuthRequest(request.username(), newPassword,
                request.clientAddress(), null, request.purpose(), request.accountingSessionId()), backend);
        }
    }

    /**
     * The bind an unknown user's login makes in place of the user bind, so that an unknown name and a wrong password
     * of a known one cost the same exchanges (connect, service bind, search, bind) and look alike from outside:
     * the typed password, with the password-policy control, against an entry under the base DN that does not exist.
     * Its answer is ignored: the login is refused whatever it says.
     *
     * @throws HostFailure when the connection broke, as a user bind's failure would
     */
    private static void bindAsDecoy(final LDAPConnection connection, final LdapHostSettings ldap,
        final AuthRequest request) throws HostFailure
    {
        try
        {
            connection.bind(new SimpleBindRequest(decoyDn(ldap), request.password(),
                new DraftBeheraLDAPPasswordPolicy10RequestControl()));
        }
        catch (final LDAPException ex)
        {
            if (!ResultCode.isConnectionUsable(ex.getResultCode()))
            {
                throw new HostFailure("the user bind failed: " + describe(ex), ex);
            }
        }
    }

    /** The DN of the decoy entry: {@code ATTRIBUTE=headend-no-such-user-RANDOM,BASE}. */
    static String decoyDn(final LdapHostSettings ldap)
    {
        final String rdn = new com.unboundid.ldap.sdk.RDN(ldap.effectiveNamingAttribute(), DECOY_NAME).toString();
        return ldap.baseDn() == null || ldap.baseDn().isEmpty() ? rdn : rdn + "," + ldap.baseDn();
    }

    /**
     * A result code and the server's diagnostic, or the deepest cause (where "PKIX path building failed" is), as
     * printable ASCII, bounded: it is logged.
     */
    static String describe(final LDAPException ex)
    {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        final String detail = ex.getDiagnosticMessage() != null ? ex.getDiagnosticMessage()
            : root != ex ? root.toString() : ex.getMessage();
        final String text = ex.getResultCode().getName() + (detail == null ? "" : ": " + detail);
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < MAX_DIAGNOSTIC; i++)
        {
            final char c = text.charAt(i);
            out.append(c >= ' ' && c < 0x7F ? c : '?');
        }
        return out.toString();
    }
}
