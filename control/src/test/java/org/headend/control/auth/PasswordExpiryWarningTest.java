package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindResult;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.BindResult;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ResponseControl;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10WarningType;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code password-management password-expire-in-days N} through the VPN client's forms, against a directory
 * (UnboundID's in-memory server, real LDAP on loopback) that answers erin's successful binds the way OpenLDAP's
 * ppolicy does once her password nears its end: the password-policy control with the warning "time before
 * expiration" (draft-behera), as long as she keeps the old password. Within N days the login stops at a
 * new-password form that says how many days are left, and the change completes the login; further off, with N = 0
 * or without password-management the login completes at once, as before.
 */
class PasswordExpiryWarningTest
{
    private static final String BASE = "dc=example,dc=com";
    private static final String ERIN = "uid=erin,ou=people," + BASE;
    private static final String OLD = "erinpw";
    private static final ClientInfo CLIENT =
        new ClientInfo("10.77.0.3", 40001, 443, "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("right-password");
    private final SessionManager sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()), null,
        (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC());
    /** How long erin's password has left, as the directory's warning says; set per test. */
    private volatile Duration left = Duration.ofDays(5);
    private InMemoryDirectoryServer server;
    private Logins logins;
    private AggregateAuth auth;

    @BeforeEach
    void start() throws Exception
    {
        final InMemoryDirectoryServerConfig directory = new InMemoryDirectoryServerConfig(BASE);
        directory.setListenerConfigs(InMemoryListenerConfig.createLDAPConfig("ldap",
            InetAddress.getByName("127.0.0.1"), 0, null));
        directory.addInMemoryOperationInterceptor(new InMemoryOperationInterceptor()
        {
            @Override
            public void processSimpleBindResult(final InMemoryInterceptedSimpleBindResult bind)
            {
                final BindResult result = bind.getResult();
                // the old password is the one that nears its end; a new one is good for long
                if (ERIN.equals(bind.getRequest().getBindDN()) && result.getResultCode() == ResultCode.SUCCESS
                    && OLD.equals(bind.getRequest().getPassword().stringValue()))
                {
                    bind.setResult(new BindResult(result.getMessageID(), ResultCode.SUCCESS, null, null, null,
                        new Control[] {new DraftBeheraLDAPPasswordPolicy10ResponseControl(
                            DraftBeheraLDAPPasswordPolicy10WarningType.TIME_BEFORE_EXPIRATION,
                            (int)left.toSeconds(), null)}));
                }
            }
        });
        server = new InMemoryDirectoryServer(directory);
        server.add("dn: " + BASE, "objectClass: domain", "dc: example");
        server.add("dn: ou=people," + BASE, "objectClass: organizationalUnit", "ou: people");
        server.add("dn: " + ERIN, "objectClass: inetOrgPerson", "uid: erin", "cn: Erin", "sn: E",
            "userPassword: " + OLD);
        server.startListening();
    }

    @AfterEach
    void stop()
    {
        if (logins != null)
        {
            logins.close();
        }
        server.shutDown(true);
        control.shutdownNow();
    }

    private void configure(final String passwordManagementLine) throws Exception
    {
        config.replace("""
            webvpn
             anyconnect enable
            aaa-server DIR protocol ldap
            aaa-server DIR (inside) host 127.0.0.1
             server-port %d
             timeout 3
             ldap-base-dn ou=people,%s
             ldap-naming-attribute uid
             server-type openldap
            tunnel-group DefaultWEBVPNGroup general-attributes
             authentication-server-group DIR
            %s
            """.formatted(server.getListenPort("ldap"), BASE, passwordManagementLine), "test");
        logins = new Logins(config::current, new FailedLoginLimiter(), System::nanoTime);
        logins.apply(config.current());
        auth = new AggregateAuth(config::current, sessions, new LoginContexts(), logins,
            () -> "ABCDEF0123456789ABCDEF0123456789ABCDEF01", System::nanoTime, Runnable::run);
    }

    @Test
    void shouldAskForANewPasswordWithinTheDefaultFourteenDaysAndCompleteTheLoginWithIt() throws Exception
    {
        configure(" password-management");
        left = Duration.ofDays(5).plusHours(3);
        final String asked = login(OLD);
        assertTrue(asked.contains("<auth id=\"passwd\">") && asked.contains("name=\"new_password\"")
            && asked.contains("name=\"verify_password\"") && asked.contains("expires in 5 days"),
            "a password 5 days from its end earns the new-password form, saying so:\n" + asked);
        assertFalse(asked.contains("<auth id=\"success\">"), asked);
        final String done = body(reply(handle(asked), Map.of("new_password", "Erin-new-1",
            "verify_password", "Erin-new-1")));
        assertTrue(done.contains("<auth id=\"success\">"), "the change completes the login:\n" + done);
        assertEquals(ResultCode.SUCCESS, server.bind(ERIN, "Erin-new-1").getResultCode(),
            "the directory took the new password");
        assertTrue(login("Erin-new-1").contains("<auth id=\"success\">"), "the new password logs in at once");
    }

    @Test
    void shouldHonourTheConfiguredDays() throws Exception
    {
        configure(" password-management password-expire-in-days 30");
        left = Duration.ofDays(20);
        assertTrue(login(OLD).contains("expires in 20 days"), "20 days is within 30");
        left = Duration.ofDays(31);
        assertTrue(login(OLD).contains("<auth id=\"success\">"), "31 days is not within 30");
        left = Duration.ofHours(5);
        assertTrue(login(OLD).contains("expires within a day"), "hours left are said as such");
    }

    @Test
    void shouldCompleteTheLoginWhenTheExpiryIsFurtherOff() throws Exception
    {
        configure(" password-management");
        left = Duration.ofDays(15);
        final String done = login(OLD);
        assertTrue(done.contains("<auth id=\"success\">") && !done.contains("new_password"), done);
    }

    @Test
    void shouldNotAskEarlyWithZeroDaysOrWithoutPasswordManagement() throws Exception
    {
        left = Duration.ofDays(1);
        configure(" password-management password-expire-in-days 0");
        assertTrue(login(OLD).contains("<auth id=\"success\">"), "0 days never asks early");
        logins.close();
        configure("");
        assertTrue(login(OLD).contains("<auth id=\"success\">"), "without password-management nothing is asked");
        assertEquals(ResultCode.SUCCESS, server.bind(ERIN, OLD).getResultCode(), "the password is unchanged");
    }

    private String login(final String password)
    {
        return body(reply(handle(body(init())), Map.of("username", "erin", "password", password)));
    }

    private HttpAnswer init()
    {
        return auth.onMessage(new AuthMessage("init", "v9.01-3", "linux-64", null, null, null, Map.of(), null),
            Map.of(), CLIENT).toCompletableFuture().join();
    }

    private HttpAnswer reply(final String handle, final Map<String, String> fields)
    {
        return auth.onMessage(new AuthMessage("auth-reply", "v9.01-3", "linux-64", null, null, handle, fields, null),
            Map.of(), CLIENT).toCompletableFuture().join();
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
