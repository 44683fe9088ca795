package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedExtendedResult;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindResult;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.BindResult;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ErrorType;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ResponseControl;
import com.unboundid.ldap.sdk.extensions.PasswordModifyExtendedRequest;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.headend.control.auth.ldap.TestDirectory;
import org.headend.control.config.ConfigStore;
import org.headend.control.http.ClientInfo;
import org.headend.control.http.HttpAnswer;
import org.headend.control.session.AddressPools;
import org.headend.control.session.SessionManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code password-management} through the VPN client's forms, against a directory (UnboundID's in-memory server,
 * real LDAP on loopback) that answers dora's binds the way OpenLDAP's ppolicy does after an administrator's reset —
 * the bind succeeds with the changeAfterReset control — until she changes her password with RFC 3062 Password
 * Modify. With password-management the right old password earns a new-password form; the new password typed twice
 * alike goes to the directory and the login goes on with it. Without it the user is only told.
 */
class PasswordManagementTest
{
    private static final String BASE = "dc=example,dc=com";
    private static final String DORA = "uid=dora,ou=people," + BASE;
    private static final ClientInfo CLIENT =
        new ClientInfo("10.77.0.2", 40000, 443, "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");

    private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor();
    private final ConfigStore config = ConfigStore.embeddedDefault("right-password");
    private final SessionManager sessions = new SessionManager(control, null, new AddressPools(Set.of(), Set.of()), null,
        (group, user) -> config.current().effectivePolicy(group, user), System::nanoTime, Clock.systemUTC());
    /** dora's password was reset: every bind of hers says "change it first" until she does. */
    private final AtomicBoolean doraReset = new AtomicBoolean(true);
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
                if (DORA.equals(bind.getRequest().getBindDN()) && doraReset.get()
                    && result.getResultCode() == ResultCode.SUCCESS)
                {
                    bind.setResult(new BindResult(result.getMessageID(), ResultCode.SUCCESS, null, null, null,
                        new Control[] {new DraftBeheraLDAPPasswordPolicy10ResponseControl(null, -1,
                            DraftBeheraLDAPPasswordPolicy10ErrorType.CHANGE_AFTER_RESET)}));
                }
            }

            @Override
            public void processExtendedResult(final InMemoryInterceptedExtendedResult extended)
            {
                if (extended.getRequest().getOID().equals(PasswordModifyExtendedRequest.PASSWORD_MODIFY_REQUEST_OID)
                    && extended.getResult().getResultCode() == ResultCode.SUCCESS)
                {
                    doraReset.set(false);
                }
            }
        });
        server = new InMemoryDirectoryServer(directory);
        TestDirectory.addPeople(server, BASE);
        server.add("dn: " + DORA, "objectClass: inetOrgPerson", "uid: dora", "cn: Dora", "sn: D",
            "userPassword: dorapw");
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

    private void configure(final boolean passwordManagement) throws Exception
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
            """.formatted(server.getListenPort("ldap"), BASE, passwordManagement ? " password-management" : ""),
            "test");
        logins = new Logins(config::current, new FailedLoginLimiter(), System::nanoTime);
        logins.apply(config.current());
        auth = new AggregateAuth(config::current, sessions, new LoginContexts(), logins,
            () -> "ABCDEF0123456789ABCDEF0123456789ABCDEF01", System::nanoTime, Runnable::run);
    }

    @Test
    void shouldAskForANewPasswordAndChangeItAtTheDirectory() throws Exception
    {
        configure(true);
        final String asked = body(reply(handle(body(init())), Map.of("username", "dora", "password", "dorapw")));
        assertTrue(asked.contains("<auth id=\"passwd\">") && asked.contains("name=\"new_password\"")
            && asked.contains("name=\"verify_password\"") && asked.contains("must be changed"),
            "the right old password earns the new-password form:\n" + asked);
        final String differ = body(reply(handle(asked), Map.of("new_password", "Dora-new-1",
            "verify_password", "Dora-new-2")));
        assertTrue(differ.contains("The new passwords do not match.") && differ.contains("<auth id=\"passwd\">"),
            differ);
        assertTrue(doraReset.get(), "nothing went to the directory");
        // as openconnect and AnyConnect post it: the new password as "password", the verification kept back
        final String done = body(reply(handle(differ), Map.of("password", "Dora-new-1")));
        assertTrue(done.contains("<auth id=\"success\">"), done);
        assertFalse(doraReset.get(), "the directory took the new password");
        assertTrue(server.bind(DORA, "Dora-new-1").getResultCode() == ResultCode.SUCCESS);
        final String again = body(reply(handle(body(init())), Map.of("username", "dora", "password", "Dora-new-1")));
        assertTrue(again.contains("<auth id=\"success\">"), "the new password logs in:\n" + again);
    }

    @Test
    void shouldNotOfferTheChangeForAWrongOldPassword() throws Exception
    {
        configure(true);
        final String refused = body(reply(handle(body(init())), Map.of("username", "dora", "password", "wrong")));
        assertTrue(refused.contains("Login failed.") && !refused.contains("new_password"), refused);
    }

    @Test
    void shouldOnlyTellTheUserWithoutPasswordManagement() throws Exception
    {
        configure(false);
        final String told = body(reply(handle(body(init())), Map.of("username", "dora", "password", "dorapw")));
        assertTrue(told.contains("must be changed") && !told.contains("new_password"), told);
        assertTrue(doraReset.get());
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
