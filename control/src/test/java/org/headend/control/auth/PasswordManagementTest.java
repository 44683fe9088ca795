package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedExtendedResult;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindResult;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ErrorType;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ResponseControl;
import com.unboundid.ldap.sdk.extensions.PasswordModifyExtendedRequest;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.headend.control.http.ClientInfo;
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
    private static final String DORA = "uid=dora,ou=people," + LdapLoginForms.BASE;
    private static final ClientInfo CLIENT =
        new ClientInfo("10.77.0.2", 40000, 443, "Open AnyConnect VPN Agent v9.01-3", "TLSv1.3", "TLS_AES_128_GCM_SHA256");

    /** dora's password was reset: every bind of hers says "change it first" until she does. */
    private final AtomicBoolean doraReset = new AtomicBoolean(true);
    private LdapLoginForms forms;

    @BeforeEach
    void start() throws Exception
    {
        forms = new LdapLoginForms(CLIENT, new InMemoryOperationInterceptor()
        {
            @Override
            public void processSimpleBindResult(final InMemoryInterceptedSimpleBindResult bind)
            {
                if (DORA.equals(bind.getRequest().getBindDN()) && doraReset.get()
                    && bind.getResult().getResultCode() == ResultCode.SUCCESS)
                {
                    LdapLoginForms.succeedWith(bind, new DraftBeheraLDAPPasswordPolicy10ResponseControl(null, -1,
                        DraftBeheraLDAPPasswordPolicy10ErrorType.CHANGE_AFTER_RESET));
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
        }, "dn: " + DORA, "objectClass: inetOrgPerson", "uid: dora", "cn: Dora", "sn: D", "userPassword: dorapw");
    }

    @AfterEach
    void stop()
    {
        forms.close();
    }

    private void configure(final boolean passwordManagement) throws Exception
    {
        forms.configure(passwordManagement ? " password-management" : "");
    }

    @Test
    void shouldAskForANewPasswordAndChangeItAtTheDirectory() throws Exception
    {
        configure(true);
        final String asked = forms.login("dora", "dorapw");
        assertTrue(asked.contains("<auth id=\"passwd\">") && asked.contains("name=\"new_password\"")
            && asked.contains("name=\"verify_password\"") && asked.contains("must be changed"),
            "the right old password earns the new-password form:\n" + asked);
        final String differ = forms.answer(asked, Map.of("new_password", "Dora-new-1",
            "verify_password", "Dora-new-2"));
        assertTrue(differ.contains("The new passwords do not match.") && differ.contains("<auth id=\"passwd\">"),
            differ);
        assertTrue(doraReset.get(), "nothing went to the directory");
        // as openconnect and AnyConnect post it: the new password as "password", the verification kept back
        final String done = forms.answer(differ, Map.of("password", "Dora-new-1"));
        assertTrue(done.contains("<auth id=\"success\">"), done);
        assertFalse(doraReset.get(), "the directory took the new password");
        assertTrue(forms.directory().bind(DORA, "Dora-new-1").getResultCode() == ResultCode.SUCCESS);
        final String again = forms.login("dora", "Dora-new-1");
        assertTrue(again.contains("<auth id=\"success\">"), "the new password logs in:\n" + again);
    }

    @Test
    void shouldNotOfferTheChangeForAWrongOldPassword() throws Exception
    {
        configure(true);
        final String refused = forms.login("dora", "wrong");
        assertTrue(refused.contains("Login failed.") && !refused.contains("new_password"), refused);
    }

    @Test
    void shouldOnlyTellTheUserWithoutPasswordManagement() throws Exception
    {
        configure(false);
        final String told = forms.login("dora", "dorapw");
        assertTrue(told.contains("must be changed") && !told.contains("new_password"), told);
        assertTrue(doraReset.get());
    }
}
