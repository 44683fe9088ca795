package org.headend.control.auth.ldap;

import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPResult;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ErrorType;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10ResponseControl;
import com.unboundid.ldap.sdk.experimental.DraftBeheraLDAPPasswordPolicy10WarningType;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.headend.control.config.LdapHostSettings;

/**
 * Reads "the password is right but has expired / must be changed" out of a user bind's answer, in the two dialects
 * directories speak: Active Directory's {@code data NNN} code in the diagnostic message of invalidCredentials
 * (532 expired, 773 must change at next logon), and the password policy response control (draft-behera-ldap-
 * password-policy, OpenLDAP's ppolicy overlay: passwordExpired, changeAfterReset). Both are only sent once the
 * password matched, so telling the user is safe. Other refusals (locked, disabled) stay "Login failed.". The same
 * control's "time before expiration" warning on a successful bind is read too, for password-expire-in-days.
 */
final class PasswordPolicyAnswer
{
    static final String EXPIRED = "Your password has expired. Change it, then log in again.";
    static final String MUST_CHANGE = "Your password must be changed before you can log in. Change it, then log in "
        + "again.";
    /** "…AcceptSecurityContext error, data 532, v2580". */
    private static final Pattern AD_DATA = Pattern.compile("\\bdata ([0-9a-fA-F]{1,8})\\b");

    private PasswordPolicyAnswer()
    {
    }

    /** What to tell the user about a bind refused with {@code result}, or null for the plain "Login failed.". */
    static String ofRefusal(final LDAPResult result, final LdapHostSettings.ServerType type)
    {
        if (type != LdapHostSettings.ServerType.MICROSOFT)
        {
            final String policy = ofControl(result);
            if (policy != null)
            {
                return policy;
            }
        }
        if (type == LdapHostSettings.ServerType.MICROSOFT || type == LdapHostSettings.ServerType.AUTO_DETECT)
        {
            return ofActiveDirectory(result.getDiagnosticMessage());
        }
        return null;
    }

    /** What to tell the user about a bind that succeeded but carries "change your password first", or null. */
    static String ofSuccess(final LDAPResult result, final LdapHostSettings.ServerType type)
    {
        return type == LdapHostSettings.ServerType.MICROSOFT ? null : ofControl(result);
    }

    /**
     * How long the password of a bind that succeeded stays valid, when the directory's password-policy control
     * warns "time before expiration" (OpenLDAP's ppolicy with {@code pwdExpireWarning}), else null.
     */
    static Duration expiresIn(final LDAPResult result, final LdapHostSettings.ServerType type)
    {
        if (type == LdapHostSettings.ServerType.MICROSOFT)
        {
            return null;
        }
        final DraftBeheraLDAPPasswordPolicy10ResponseControl control;
        try
        {
            control = DraftBeheraLDAPPasswordPolicy10ResponseControl.get(result);
        }
        catch (final LDAPException ex)
        {
            return null; // a malformed control: the login goes on as if none came
        }
        return control != null
            && control.getWarningType() == DraftBeheraLDAPPasswordPolicy10WarningType.TIME_BEFORE_EXPIRATION
            && control.getWarningValue() >= 0 ? Duration.ofSeconds(control.getWarningValue()) : null;
    }

    /** Active Directory's code in an invalidCredentials diagnostic message. */
    static String ofActiveDirectory(final String diagnostic)
    {
        if (diagnostic == null)
        {
            return null;
        }
        final Matcher code = AD_DATA.matcher(diagnostic);
        if (!code.find())
        {
            return null;
        }
        return switch (code.group(1).toLowerCase(java.util.Locale.ROOT))
        {
            case "532" -> EXPIRED;
            case "773" -> MUST_CHANGE;
            default -> null;
        };
    }

    private static String ofControl(final LDAPResult result)
    {
        final DraftBeheraLDAPPasswordPolicy10ResponseControl control;
        try
        {
            control = DraftBeheraLDAPPasswordPolicy10ResponseControl.get(result);
        }
        catch (final LDAPException ex)
        {
            return null; // a malformed control says nothing we can tell the user
        }
        if (control == null || control.getErrorType() == null)
        {
            return null;
        }
        final DraftBeheraLDAPPasswordPolicy10ErrorType error = control.getErrorType();
        if (error == DraftBeheraLDAPPasswordPolicy10ErrorType.PASSWORD_EXPIRED)
        {
            return EXPIRED;
        }
        return error == DraftBeheraLDAPPasswordPolicy10ErrorType.CHANGE_AFTER_RESET ? MUST_CHANGE : null;
    }
}
