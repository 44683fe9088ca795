package org.headend.control.cli;

import java.io.IOException;
import java.util.List;
import org.headend.control.auth.totp.Totp;
import org.headend.control.config.HeadendConfig;
import org.headend.control.config.UserAccount;
import org.headend.control.config.grammar.Arguments;
import org.headend.control.config.grammar.ArgTypes;

/**
 * {@code show username NAME otpauth-uri}: the enrolment URI of a local user's {@code totp-secret}, for the operator
 * to hand to the user (or turn into a QR code). Privileged EXEC only, since it shows the secret; the command is
 * audited without it.
 */
final class TotpCommands
{
    private TotpCommands()
    {
    }

    static void declare(final List<ExecCommand> commands)
    {
        commands.add(ExecCommand.declare("Show a local user's TOTP enrolment URI")
            .kw("show", "Show running system information").kw("username", "A local user")
            .arg("name", ArgTypes.NAME, "User name")
            .kw("otpauth-uri", "The otpauth:// URI that enrols the user's totp-secret in an authenticator app")
            .does(TotpCommands::show));
    }

    private static void show(final CliSession session, final Arguments args) throws IOException
    {
        final HeadendConfig config = session.context().config().current();
        final String name = args.get("name");
        final UserAccount user = config.user(name).orElse(null);
        if (user == null || user.totpSecret() == null)
        {
            session.print("ERROR: % username " + name + (user == null ? " does not exist" : " has no totp-secret")
                + "\n");
            return;
        }
        session.print(Totp.otpauthUri(config.hostname(), user.name(), user.totpSecret()) + "\n");
        session.audit("show username " + name + " otpauth-uri", "ok");
    }
}
