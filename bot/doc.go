// Package bot is the domain of samverkan: actors, members, forums and their
// roles, the permission rules, the platform-neutral message model, the audit
// log, the outbox and the services that change state.
//
// It depends on no adapter, store implementation or platform SDK; those
// implement the interfaces declared here (Store, Platform) and cmd/samverkan
// wires them together.
package bot
