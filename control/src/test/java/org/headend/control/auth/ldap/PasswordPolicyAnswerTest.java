package org.headend.control.auth.ldap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ErrorType;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ResponseControl;
import org.headend.control.config.LdapHostSettings.ServerType;
import org.junit.jupiter.api.Test;

/** The password-expiry answers of Active Directory and of the password policy control, as the user reads them. */
class PasswordPolicyAnswerTest
{
    private static LdapResultBuilder refusal(final String diagnostic)
    {
        return new LdapResultBuilder(ResultCode.INVALID_CREDENTIALS, diagnostic);
    }

    private record LdapResultBuilder(ResultCode code, String diagnostic)
    {
        LDAPResult with(final Control... controls)
        {
            return new LDAPResult(1, code, diagnostic, null, null, controls);
        }
    }

    private static Control policy(final DraftBeheraLDAPPasswordPolicy10ErrorType error)
    {
        return new DraftBeheraLDAPPasswordPolicy10ResponseControl(null, -1, error);
    }

    @Test
    void shouldTellAnActiveDirectoryUserThatTheirPasswordExpiredOrMustChange()
    {
        final String expired = "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data 532, "
            + "v2580";
        assertEquals(PasswordPolicyAnswer.EXPIRED,
            PasswordPolicyAnswer.ofRefusal(refusal(expired).with(), ServerType.MICROSOFT));
        assertEquals(PasswordPolicyAnswer.MUST_CHANGE, PasswordPolicyAnswer.ofRefusal(
            refusal(expired.replace("532", "773")).with(), ServerType.AUTO_DETECT));
        assertNull(PasswordPolicyAnswer.ofRefusal(refusal(expired.replace("532", "52e")).with(),
            ServerType.MICROSOFT), "a wrong password (52e) is only 'Login failed.'");
        assertNull(PasswordPolicyAnswer.ofRefusal(refusal(expired.replace("532", "775")).with(),
            ServerType.MICROSOFT), "a locked account is not told apart");
        assertNull(PasswordPolicyAnswer.ofRefusal(refusal(expired).with(), ServerType.OPENLDAP),
            "an OpenLDAP server's text is not read as AD codes");
    }

    @Test
    void shouldReadThePasswordPolicyControlOfOpenLdap()
    {
        assertEquals(PasswordPolicyAnswer.EXPIRED, PasswordPolicyAnswer.ofRefusal(
            refusal(null).with(policy(DraftBeheraLDAPPasswordPolicy10ErrorType.PASSWORD_EXPIRED)),
            ServerType.OPENLDAP));
        assertEquals(PasswordPolicyAnswer.MUST_CHANGE, PasswordPolicyAnswer.ofSuccess(
            new LdapResultBuilder(ResultCode.SUCCESS, null)
                .with(policy(DraftBeheraLDAPPasswordPolicy10ErrorType.CHANGE_AFTER_RESET)), ServerType.AUTO_DETECT));
        assertNull(PasswordPolicyAnswer.ofRefusal(
            refusal(null).with(policy(DraftBeheraLDAPPasswordPolicy10ErrorType.ACCOUNT_LOCKED)),
            ServerType.OPENLDAP));
        assertNull(PasswordPolicyAnswer.ofSuccess(new LdapResultBuilder(ResultCode.SUCCESS, null).with(),
            ServerType.OPENLDAP));
    }
}
