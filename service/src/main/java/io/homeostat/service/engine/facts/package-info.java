/**
 * The rule authors' API: every type a DRL file matches or creates. Kept stable and documented in
 * docs/RULES.md. These are Java types rather than DRL declarations because facts that outlive a
 * rule reload (signals, issues, gate state) cannot be DRL-declared types. Record facts keep
 * bean-style getters: Drools 10 evaluates constraints on record components without them, but a
 * binding such as {@code $id : issueId} needs a getter (checked: "Field Reader does not exist").
 */
package io.homeostat.service.engine.facts;
