package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindResult;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ResponseControl;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10WarningType;
import java.time.Duration;
import java.util.Map;
import org.headend.control.http.ClientInfo;
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
    private static final String ERIN = "uid=erin,ou=people," + LdapLoginForms.BASE;
    private static final String OLD = "erinpw";
    private static final ClientInfo CLIENT =
        new ClientInfo("10.77.0.3", 40001, 443, "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");

    /** How long erin's password has left, as the directory's warning says; set per test. */
    private volatile Duration left = Duration.ofDays(5);
    private LdapLoginForms forms;

    @BeforeEach
    void start() throws Exception
    {
        forms = new LdapLoginForms(CLIENT, new InMemoryOperationInterceptor()
        {
            @Override
            public void processSimpleBindResult(final InMemoryInterceptedSimpleBindResult bind)
            {
                // the old password is the one that nears its end; a new one is good for long
                if (ERIN.equals(bind.getRequest().getBindDN()) && bind.getResult().getResultCode() == ResultCode.SUCCESS
                    && OLD.equals(bind.getRequest().getPassword().stringValue()))
                {
                    LdapLoginForms.succeedWith(bind, new DraftBeheraLDAPPasswordPolicy10ResponseControl(
                        DraftBeheraLDAPPasswordPolicy10WarningType.TIME_BEFORE_EXPIRATION,
                        (int)left.toSeconds(), null));
                }
            }
        }, "dn: " + ERIN, "objectClass: inetOrgPerson", "uid: erin", "cn: Erin", "sn: E", "userPassword: " + OLD);
    }

    @AfterEach
    void stop()
    {
        forms.close();
    }

    @Test
    void shouldAskForANewPasswordWithinTheDefaultFourteenDaysAndCompleteTheLoginWithIt() throws Exception
    {
        forms.configure(" password-management");
        left = Duration.ofDays(5).plusHours(3);
        final String asked = login(OLD);
        assertTrue(asked.contains("<auth id=\"passwd\">") && asked.contains("name=\"new_password\"")
            && asked.contains("name=\"verify_password\"") && asked.contains("expires in 5 days"),
            "a password 5 days from its end earns the new-password form, saying so:\n" + asked);
        assertFalse(asked.contains("<auth id=\"success\">"), asked);
        final String done = forms.answer(asked, Map.of("new_password", "Erin-new-1", "verify_password", "Erin-new-1"));
        assertTrue(done.contains("<auth id=\"success\">"), "the change completes the login:\n" + done);
        assertEquals(ResultCode.SUCCESS, forms.directory().bind(ERIN, "Erin-new-1").getResultCode(),
            "the directory took the new password");
        assertTrue(login("Erin-new-1").contains("<auth id=\"success\">"), "the new password logs in at once");
    }

    @Test
    void shouldHonourTheConfiguredDays() throws Exception
    {
        forms.configure(" password-management password-expire-in-days 30");
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
        forms.configure(" password-management");
        left = Duration.ofDays(15);
        final String done = login(OLD);
        assertTrue(done.contains("<auth id=\"success\">") && !done.contains("new_password"), done);
    }

    @Test
    void shouldNotAskEarlyWithZeroDaysOrWithoutPasswordManagement() throws Exception
    {
        left = Duration.ofDays(1);
        forms.configure(" password-management password-expire-in-days 0");
        assertTrue(login(OLD).contains("<auth id=\"success\">"), "0 days never asks early");
        forms.configure("");
        assertTrue(login(OLD).contains("<auth id=\"success\">"), "without password-management nothing is asked");
        assertEquals(ResultCode.SUCCESS, forms.directory().bind(ERIN, OLD).getResultCode(),
            "the password is unchanged");
    }

    private String login(final String password)
    {
        return forms.login("erin", password);
    }
}
