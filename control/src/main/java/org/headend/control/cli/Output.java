package org.headend.control.cli;

/**
 * What a {@code show} command produces: the text an operator reads and the same facts as data for {@code | json}.
 *
 * @param text the ASA-shaped text
 * @param data maps, lists, strings, numbers and booleans (see {@link Json})
 */
public record Output(String text, Object data)
{
}
