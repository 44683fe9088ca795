package org.headend.control.ssh;

import java.util.List;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge;
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator;
import org.apache.sshd.server.session.ServerSession;
import org.headend.control.auth.AuthOutcome;

/**
 * SSH keyboard-interactive logins to the CLI, so a server's question (RADIUS Access-Challenge, a local TOTP code)
 * reaches the person at the terminal: the first round asks for the password; when the server answers with a
 * question, that round fails without counting as a failure, and the client's next round (OpenSSH tries
 * keyboard-interactive again by itself) shows the server's text and sends the answer with the server's State. One
 * answer per question; the question is bound to the user name it was asked of.
 */
final class SshPrompts implements KeyboardInteractiveAuthenticator
{
    static final String PASSWORD_PROMPT = "Password: ";
    private static final int MAX_PROMPT = 200;
    private static final AttributeRepository.AttributeKey<Pending> PENDING = new AttributeRepository.AttributeKey<>();

    /** Checks one step: user, password or answer, the State of the question it answers (or null), the session. */
    @FunctionalInterface
    interface Check
    {
        boolean check(String user, String password, byte[] state, ServerSession session);
    }

    private record Pending(String user, AuthOutcome.Challenged question)
    {
    }

    private final Check check;

    SshPrompts(final Check check)
    {
        this.check = check;
    }

    /** Remembers the server's question for the session's next keyboard-interactive round. */
    static void pending(final ServerSession session, final String user, final AuthOutcome.Challenged question)
    {
        session.setAttribute(PENDING, new Pending(user, question));
    }

    @Override
    public InteractiveChallenge generateChallenge(final ServerSession session, final String username,
        final String lang, final String subMethods)
    {
        final Pending pending = session.getAttribute(PENDING);
        final InteractiveChallenge challenge = new InteractiveChallenge();
        challenge.setInteractionName("");
        challenge.setInteractionInstruction("");
        challenge.setLanguageTag("");
        challenge.addPrompt(pending != null && pending.user().equals(username)
            ? printable(pending.question().prompt()) : PASSWORD_PROMPT, false);
        return challenge;
    }

    @Override
    public boolean authenticate(final ServerSession session, final String username, final List<String> responses)
    {
        final Pending pending = session.removeAttribute(PENDING);
        if (responses == null || responses.size() != 1)
        {
            return false;
        }
        final byte[] state = pending != null && pending.user().equals(username) ? pending.question().state() : null;
        return check.check(username, responses.getFirst(), state, session);
    }

    /** The server's text as one line a terminal shows as it is: no escape sequences, bounded. */
    static String printable(final String text)
    {
        if (text == null || text.isBlank())
        {
            return "Code: ";
        }
        final StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < MAX_PROMPT; i++)
        {
            final char c = text.charAt(i);
            out.append(c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0 ? ' ' : c);
        }
        final String line = out.toString().strip();
        return line.endsWith(":") ? line + " " : line + ": ";
    }
}
