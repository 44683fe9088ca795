/**
 * The configuration: one model, one language (ASA syntax), one place where changes are committed.
 * <p>
 * How a line becomes configuration:
 * <ol>
 * <li>{@link org.headend.control.config.ConfigLanguage} declares every command once: syntax, key, print order,
 * sub-mode, the objects it defines and refers to, and how it compiles. The {@code no} form is derived.</li>
 * <li>{@code grammar.Grammar} matches a line against the declarations of the cursor's modes, innermost first, so a
 * line that only an enclosing mode knows closes the sub-modes (how ASA startup-configs are written).</li>
 * <li>{@code ConfigTree} holds the running configuration as ordered, normalized lines; {@code show running-config}
 * prints it.</li>
 * <li>{@code ConfigCompiler} turns the tree into an immutable {@link org.headend.control.config.HeadendConfig},
 * checking references, overlaps and duplicates, each error on its line.</li>
 * <li>{@link org.headend.control.config.ConfigStore} applies each change to a copy of the tree, compiles it, runs
 * the vetoes, and only then swaps tree and snapshot together and notifies listeners. Nothing is ever half
 * applied.</li>
 * </ol>
 */
package org.headend.control.config;
