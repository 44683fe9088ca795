package org.headend.control.ssh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * A RADIUS server's Reply-Message becomes an SSH prompt the administrator's terminal prints as it is: it must not
 * carry escape sequences (clear the screen, retitle the window, fake a prompt on a new line) nor run on forever.
 */
class SshPromptsTest
{
    @Test
    void shouldShowTheServersTextAsOnePromptLine()
    {
        assertEquals("Enter the 6-digit code: ", SshPrompts.printable("Enter the 6-digit code"));
        assertEquals("Code: ", SshPrompts.printable("Code:"));
        assertEquals("Code: ", SshPrompts.printable(null), "a question without text still asks");
    }

    @Test
    void shouldStripTerminalControlsAndBoundTheLength()
    {
        final String shown = SshPrompts.printable("\u001b]0;owned\u0007\u001b[2JEnter\r\nheadend# \u009b31m");
        assertTrue(shown.chars().noneMatch(c -> c < 0x20 || c == 0x7f || c >= 0x80 && c < 0xa0), shown);
        assertTrue(SshPrompts.printable("x".repeat(5000)).length() <= 202);
    }
}
