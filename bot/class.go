package bot

// Kind is what an outgoing message is, for refusals, the audit log and
// tests that walk every kind.
type Kind string

// The kinds of outgoing messages.
const (
	KindNotice             Kind = "msg/notice"              // registry announcements
	KindActivation         Kind = "msg/activation"          // request, banner, summary
	KindCallIn             Kind = "msg/call-in"             // call-in, reminder, escalation
	KindReportNotice       Kind = "msg/report-notice"       // "a report came in"
	KindReportRequest      Kind = "msg/report-request"      // "please file a report"
	KindReport             Kind = "msg/report"              // a report or the compiled picture
	KindExport             Kind = "msg/export"              // a file of the compiled picture
	KindAgenda             Kind = "msg/agenda"              // the conference agenda and its edits
	KindMinutes            Kind = "msg/minutes"             // the minutes at the end
	KindConferenceReminder Kind = "msg/conference-reminder" // file your report before the meeting
	KindStatementRoot      Kind = "msg/statement-root"      // the statement thread's first post
	KindStatementEvent     Kind = "msg/statement-event"     // thread replies: approvals, diffs
	KindApprovalRequest    Kind = "msg/approval-request"    // the DM asking an approver
	KindStatementReminder  Kind = "msg/statement-reminder"  // reminders and release-by warnings
	KindRelease            Kind = "msg/release"             // the released statement
	KindWithheld           Kind = "msg/withheld"            // what the gate posts instead of refused content
	KindUndelivered        Kind = "msg/undelivered"         // who could not be reached, to whoever caused it
	KindReply              Kind = "msg/reply"               // an answer to the person who acted, by DM
	KindProblem            Kind = "msg/problem"             // what the bot could not do on its own, to those who can
	KindRequest            Kind = "msg/request"             // an information request and its reminder, to the asked
	KindRequestAnswer      Kind = "msg/request-answer"      // an organisation's answer, to the asker
)

// Kinds lists every kind of outgoing message.
func Kinds() []Kind {
	return []Kind{KindNotice, KindActivation, KindCallIn, KindReportNotice, KindReportRequest, KindReport, KindExport,
		KindAgenda, KindMinutes, KindConferenceReminder, KindStatementRoot, KindStatementEvent, KindApprovalRequest,
		KindStatementReminder, KindRelease, KindWithheld, KindUndelivered, KindReply, KindProblem, KindRequest, KindRequestAnswer}
}

// Class is the classification every outgoing message carries: the forum
// it belongs to, the label of what it holds, whether it is exercise
// material, whose content it is and, for TLP:RED, the members it is meant
// for. The gate decides on it where the message is written.
type Class struct {
	Kind     Kind     `json:"kind"`
	Forum    string   `json:"forum"`
	TLP      TLP      `json:"tlp"`
	Exercise bool     `json:"exercise,omitempty"`
	Owners   []string `json:"owners,omitempty"` // actors whose content it holds
	Named    []string `json:"named,omitempty"`  // members a TLP:RED message may reach
}

// urgent kinds go ahead of other messages waiting for the same
// destination: call-ins and banners of an activation, the agenda and the
// reminder before a meeting, a released statement, and answers people
// are waiting for.
func (k Kind) urgent() bool {
	switch k {
	case KindActivation, KindCallIn, KindAgenda, KindConferenceReminder, KindRelease, KindReply, KindUndelivered, KindProblem:
		return true
	}
	return false
}
