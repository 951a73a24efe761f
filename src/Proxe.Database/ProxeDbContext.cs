using Microsoft.EntityFrameworkCore;
using Proxe.Database.Entities;

namespace Proxe.Database;

/// <summary>
/// The schema of deploy/db/migrations as EF Core sees it: every table and the unified_leads view, snake_case columns.
/// For reads (dashboard, CLI, tests); the schema itself is the plain SQL files, never EF migrations (README "Data access").
/// </summary>
public sealed class ProxeDbContext(DbContextOptions<ProxeDbContext> options) : DbContext(options)
{
    public DbSet<Lead> Leads => Set<Lead>();
    public DbSet<LeadIdentity> LeadIdentities => Set<LeadIdentity>();
    public DbSet<WebSession> WebSessions => Set<WebSession>();
    public DbSet<WhatsappSession> WhatsappSessions => Set<WhatsappSession>();
    public DbSet<VoiceSession> VoiceSessions => Set<VoiceSession>();
    public DbSet<SocialSession> SocialSessions => Set<SocialSession>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<LeadJourney> LeadJourneys => Set<LeadJourney>();
    public DbSet<LeadJourneyInteraction> LeadJourneyInteractions => Set<LeadJourneyInteraction>();
    public DbSet<LeadChannelFirst> LeadChannelFirsts => Set<LeadChannelFirst>();
    public DbSet<SchemaMigration> SchemaMigrations => Set<SchemaMigration>();
    public DbSet<UnifiedLead> UnifiedLeads => Set<UnifiedLead>();
    public DbSet<LeadStat> LeadStats => Set<LeadStat>();
    public DbSet<LeadStatChange> LeadStatChanges => Set<LeadStatChange>();
    public DbSet<LeadActivity> LeadActivity => Set<LeadActivity>();
    public DbSet<LeadActivityPending> LeadActivityPending => Set<LeadActivityPending>();
    public DbSet<ActivityStat> ActivityStats => Set<ActivityStat>();

    /// <summary>Every PROXe context: Npgsql, snake_case names, and no change tracking (nothing here writes through EF).</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, string connectionString) =>
        options.UseNpgsql(connectionString)
            .UseSnakeCaseNamingConvention()
            .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);

    public static ProxeDbContext Create(string connectionString) =>
        new((DbContextOptions<ProxeDbContext>)Configure(new DbContextOptionsBuilder<ProxeDbContext>(), connectionString).Options);

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Lead>().ToTable("all_leads");
        model.Entity<LeadIdentity>().ToTable("lead_identities").HasKey(i => new { i.Brand, i.Kind, i.Value });
        model.Entity<WebSession>().ToTable("web_sessions");
        model.Entity<WhatsappSession>().ToTable("whatsapp_sessions");
        model.Entity<VoiceSession>().ToTable("voice_sessions");
        model.Entity<SocialSession>().ToTable("social_sessions");
        model.Entity<Message>().ToTable("messages");
        model.Entity<LeadJourney>().ToTable("lead_journeys").HasKey(j => j.CorrelationId);
        model.Entity<LeadJourneyInteraction>().ToTable("lead_journey_interactions").HasKey(i => new { i.LeadId, i.InteractionId });
        model.Entity<LeadChannelFirst>().ToTable("lead_channel_firsts").HasKey(f => new { f.LeadId, f.Channel });
        model.Entity<SchemaMigration>().ToTable("schema_migrations").HasKey(m => m.Version);
        model.Entity<UnifiedLead>().ToView("unified_leads").HasNoKey();
        // The stats rollups of migration 006 (the keys of lead_stats and activity_stats have nullable columns, the logs none).
        model.Entity<LeadStat>().ToTable("lead_stats").HasNoKey();
        model.Entity<LeadStatChange>().ToTable("lead_stats_changes").HasNoKey();
        model.Entity<LeadActivity>().ToTable("lead_activity").HasKey(a => new { a.Brand, a.Start, a.Channel, a.LeadId });
        model.Entity<LeadActivityPending>().ToTable("lead_activity_pending").HasNoKey();
        model.Entity<ActivityStat>().ToTable("activity_stats").HasNoKey();
    }
}
