package org.headend.control.auth;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindResult;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.BindResult;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.ResultCode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.headend.control.auth.ldap.TestDirectory;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionManager;

/**
 * The VPN client's login forms (aggregate auth) in front of a real LDAP directory: UnboundID's in-memory server on
 * loopback, holding {@code ou=people} and one user, its answers shaped by the test's interceptor the way OpenLDAP's
 * ppolicy shapes them. The password-management tests share it so that each keeps only its directory's behaviour
 * and its assertions.
 */
final class LdapLoginForms implements AutoCloseable
{
    static final String BASE = "dc=example,dc=com";

    private final ClientInfo client;
    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("right-password");
    private final SessionManager sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()), null,
        (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC());
    private final InMemoryDirectoryServer server;
    private Logins logins;
    private AggregateAuth auth;

    /** Starts the directory with {@code user} (its LDIF lines) under {@code ou=people}. */
    LdapLoginForms(final ClientInfo client, final InMemoryOperationInterceptor interceptor, final String... user)
        throws Exception
    {
        this.client = client;
        server = TestDirectory.onLoopback(BASE, interceptor);
        server.add(user);
        server.startListening();
    }

    /** Lets {@code bind} succeed carrying the password-policy response {@code control}, as ppolicy answers. */
    static void succeedWith(final InMemoryInterceptedSimpleBindResult bind, final Control control)
    {
        bind.setResult(new BindResult(bind.getResult().getMessageID(), ResultCode.SUCCESS, null, null, null,
            new Control[] {control}));
    }

    InMemoryDirectoryServer directory()
    {
        return server;
    }

    /**
     * Points the default tunnel group at the directory, with {@code passwordManagementLine} (may be empty) among its
     * general attributes; a second call replaces the first.
     */
    void configure(final String passwordManagementLine) throws Exception
    {
        if (logins != null)
        {
            logins.close();
        }
        config.replace("""
            webvpn
             anyconnect enable
            """ + TestDirectory.aaaServer("DIR", server.getListenPort("ldap"), BASE) + """
             ldap-naming-attribute uid
             server-type openldap
            tunnel-group DefaultWEBVPNGroup general-attributes
             authentication-server-group DIR
            %s
            """.formatted(passwordManagementLine), "test");
        logins = new Logins(config::current, new FailedLoginLimiter(), System::nanoTime);
        logins.apply(config.current());
        auth = new AggregateAuth(config::current, sessions, new LoginContexts(), logins,
            () -> "ABCDEF0123456789ABCDEF0123456789ABCDEF01", System::nanoTime, Runnable::run);
    }

    /** A fresh login's answer to the username/password form: the XML the client is sent. */
    String login(final String username, final String password)
    {
        return answer(body(init()), Map.of("username", username, "password", password));
    }

    /** The answer to the form in {@code asked} filled with {@code fields}. */
    String answer(final String asked, final Map<String, String> fields)
    {
        return body(reply(handle(asked), fields));
    }

    @Override
    public void close()
    {
        if (logins != null)
        {
            logins.close();
        }
        server.shutDown(true);
        control.shutdownNow();
    }

    private HttpAnswer init()
    {
        return auth.onMessage(new AuthMessage("init", "v9.01-3", "linux-64", null, null, null, Map.of(), null),
            Map.of(), client).toCompletableFuture().join();
    }

    private HttpAnswer reply(final String handle, final Map<String, String> fields)
    {
        return auth.onMessage(new AuthMessage("auth-reply", "v9.01-3", "linux-64", null, null, handle, fields, null),
            Map.of(), client).toCompletableFuture().join();
    }

    private static String body(final HttpAnswer answer)
    {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static String handle(final String xml)
    {
        final Matcher m = Pattern.compile("<aggauth-handle>([^<]*)</aggauth-handle>").matcher(xml);
        return m.find() ? m.group(1) : null;
    }
}
