package bot

import (
	"context"
	"log/slog"
	"time"
)

// Bot is the domain: one service per area, all sharing one way to change
// state (the change with its gate and authority check) and the outbox
// they write to.
type Bot struct {
	*core
	Registry    *Registry
	Activations *Activations
	Reports     *Reports
	Conferences *Conferences
	Statements  *Statements
	Requests    *Requests
	Boards      *Boards
	Outbox      *Outbox
}

// Options are what a Bot is made of.
type Options struct {
	Store Store
	// Clock is where time comes from (default the system clock).
	Clock  Clock
	Admins []Identity
	Log    *slog.Logger
	// Lang is the language of messages to channels (default Swedish).
	Lang     string
	Location *time.Location
	// Deadlines, ReportAge and ApprovalReminder override the defaults.
	Deadlines        map[Level]time.Duration
	ReportAge        time.Duration
	ApprovalReminder time.Duration
	Directories      map[PlatformID]Directory
	// Print, when set, turns a document into PDF (package pdf): the
	// minutes and the common picture can then be had as PDF files.
	Print Printer
	// Sender is who CAP alerts of released statements say they come from
	// (default samverkan@localhost).
	Sender string
}

// Printer renders a paper as a PDF document for forum (its name), made at
// made (local time, as people read it).
type Printer func(p Paper, forum, made string) ([]byte, error)

// New returns a bot on o.Store with its services and outbox.
func New(o Options) *Bot {
	if o.Clock == nil {
		o.Clock = SystemClock{}
	}
	if o.Lang == "" {
		o.Lang = "sv"
	}
	if o.Directories == nil {
		o.Directories = map[PlatformID]Directory{}
	}
	k := &core{
		Store: o.Store, Clock: o.Clock, Admins: o.Admins, Log: o.Log, Lang: o.Lang, Location: o.Location,
		Deadlines: o.Deadlines, ReportAge: o.ReportAge, ApprovalReminder: o.ApprovalReminder,
		Directories: o.Directories, readers: &readerCache{}, Print: o.Print, Sender: o.Sender,
	}
	b := &Bot{
		core:        k,
		Registry:    &Registry{k},
		Activations: &Activations{k},
		Reports:     &Reports{k},
		Conferences: &Conferences{k},
		Statements:  &Statements{k},
		Requests:    &Requests{k},
		Boards:      &Boards{k},
		Outbox:      &Outbox{k: k, Platforms: map[PlatformID]Platform{}, started: o.Clock.Now()},
	}
	b.Outbox.drawers = map[string]drawer{
		renderAgenda:  b.Conferences.drawAgenda,
		renderBanner:  b.Activations.drawBanner,
		renderRoot:    b.Statements.drawRoot,
		renderReports: b.Reports.drawNotice,
	}
	b.Outbox.meetings = b.Conferences.withheldMeeting
	k.notify = b.Outbox.Notify
	return b
}

// Start readies stored state for this version before the bot serves:
// indexes added or changed since the data was written, and the next
// conference of every schedule.
func (b *Bot) Start(ctx context.Context) error {
	for _, upgrade := range []func(Tx) error{indexOpenActions, laneDestIndex, indexAuditSubjects, indexBooked, indexStatements} {
		if err := b.Store.Update(upgrade); err != nil {
			return err
		}
	}
	return b.Conferences.ArmSchedules(ctx)
}
