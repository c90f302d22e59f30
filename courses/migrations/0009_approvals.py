"""Approvals the way boards grant them, credit types, and certificate layout 2.

Each existing approval (course, board, provider number, statement) becomes, under the
same id, an approval of the provider that the course is offered under:
- the body's name is the old board, the number the old provider number, and the old
  statement is the statement template, word for word (a brace is doubled so that it
  prints as written; the old text has no placeholders);
- the old rows kept no period, so the period starts on the day the course was created
  and has no end date on record; the approvals dashboard lists it until staff enter
  the board's end date (the admin requires one on the next save);
- every approval was printed on every certificate, so it covers every profession in
  every state until staff narrow its coverage.
The approvals' change history is carried over the same way.

Each course's CE hours become one credit split: all of them general/clinical. The
credit types boards count separately are created. Issued certificates are untouched
and keep layout 1, so their PDFs stay byte for byte what they were.
"""

import datetime

import courses.models.content
import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


CREDIT_TYPES = [
    ("general-clinical", "general/clinical"),
    ("ethics", "ethics"),
    ("law-and-ethics", "law and ethics"),
    ("cultural-diversity", "cultural diversity"),
    ("suicide-assessment", "suicide assessment"),
    ("supervision", "supervision"),
]
PROFESSIONS = ["psychology", "social_work", "counseling", "marriage_family_therapy"]


def _template(statement):
    return statement.replace("{", "{{").replace("}", "}}")


def forwards(apps, schema_editor):
    CreditType = apps.get_model("courses", "CreditType")
    Course = apps.get_model("courses", "Course")
    Approval = apps.get_model("courses", "Approval")
    HistoricalApproval = apps.get_model("courses", "HistoricalApproval")
    general, *_ = CreditType.objects.bulk_create(
        CreditType(slug=slug, name=name, position=i) for i, (slug, name) in enumerate(CREDIT_TYPES)
    )
    apps.get_model("courses", "CourseCredit").objects.bulk_create(
        apps.get_model("courses", "CourseCredit")(course=course, credit_type=general, hours=course.ce_hours)
        for course in Course.objects.all()
    )
    created = dict(Course.objects.values_list("id", "created_at"))
    links, coverage = [], []
    for approval in Approval.objects.all():
        approval.body_name = approval.board
        approval.number = approval.provider_number
        approval.statement_template = _template(approval.statement)
        approval.scope = "provider"
        approval.starts_on = timezone.localdate(created[approval.course_id])
        approval.save()
        links.append(apps.get_model("courses", "CourseApproval")(course_id=approval.course_id, approval=approval))
        coverage += [
            apps.get_model("courses", "ApprovalCoverage")(approval=approval, profession=p, state="")
            for p in PROFESSIONS
        ]
    apps.get_model("courses", "CourseApproval").objects.bulk_create(links)
    apps.get_model("courses", "ApprovalCoverage").objects.bulk_create(coverage)
    for row in HistoricalApproval.objects.all():
        row.body_name = row.board
        row.number = row.provider_number
        row.statement_template = _template(row.statement)
        row.scope = "provider"
        row.starts_on = timezone.localdate(created.get(row.course_id, row.history_date))
        row.save()


class Migration(migrations.Migration):

    dependencies = [
        ('courses', '0008_earned_hours'),
    ]

    operations = [
        migrations.CreateModel(
            name='ApprovalCoverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('profession', models.CharField(choices=[('psychology', 'Psychology'), ('social_work', 'Social work'), ('counseling', 'Counseling'), ('marriage_family_therapy', 'Marriage and family therapy')], max_length=30)),
                ('state', models.CharField(blank=True, choices=[('AL', 'Alabama'), ('AK', 'Alaska'), ('AZ', 'Arizona'), ('AR', 'Arkansas'), ('CA', 'California'), ('CO', 'Colorado'), ('CT', 'Connecticut'), ('DE', 'Delaware'), ('DC', 'District of Columbia'), ('FL', 'Florida'), ('GA', 'Georgia'), ('HI', 'Hawaii'), ('ID', 'Idaho'), ('IL', 'Illinois'), ('IN', 'Indiana'), ('IA', 'Iowa'), ('KS', 'Kansas'), ('KY', 'Kentucky'), ('LA', 'Louisiana'), ('ME', 'Maine'), ('MD', 'Maryland'), ('MA', 'Massachusetts'), ('MI', 'Michigan'), ('MN', 'Minnesota'), ('MS', 'Mississippi'), ('MO', 'Missouri'), ('MT', 'Montana'), ('NE', 'Nebraska'), ('NV', 'Nevada'), ('NH', 'New Hampshire'), ('NJ', 'New Jersey'), ('NM', 'New Mexico'), ('NY', 'New York'), ('NC', 'North Carolina'), ('ND', 'North Dakota'), ('OH', 'Ohio'), ('OK', 'Oklahoma'), ('OR', 'Oregon'), ('PA', 'Pennsylvania'), ('PR', 'Puerto Rico'), ('RI', 'Rhode Island'), ('SC', 'South Carolina'), ('SD', 'South Dakota'), ('TN', 'Tennessee'), ('TX', 'Texas'), ('UT', 'Utah'), ('VT', 'Vermont'), ('VA', 'Virginia'), ('WA', 'Washington'), ('WV', 'West Virginia'), ('WI', 'Wisconsin'), ('WY', 'Wyoming')], help_text='Blank: every state.', max_length=2)),
            ],
            options={
                'ordering': ['approval', 'profession', 'state'],
            },
        ),
        migrations.CreateModel(
            name='CourseApproval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
            ],
            options={
                'ordering': ['approval__position', 'approval__body_name', 'approval_id'],
            },
        ),
        migrations.CreateModel(
            name='CourseCredit',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('hours', models.DecimalField(decimal_places=2, max_digits=5, validators=[courses.models.content.validate_quarter_hours])),
            ],
            options={
                'ordering': ['course', 'credit_type__position', 'credit_type__name'],
            },
        ),
        migrations.CreateModel(
            name='CreditType',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('slug', models.SlugField(max_length=100, unique=True)),
                ('position', models.PositiveSmallIntegerField(default=0)),
            ],
            options={
                'ordering': ['position', 'name'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalCourseApproval',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical course approval',
                'verbose_name_plural': 'historical course approvals',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalCourseCredit',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('hours', models.DecimalField(decimal_places=2, max_digits=5, validators=[courses.models.content.validate_quarter_hours])),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical course credit',
                'verbose_name_plural': 'historical course credits',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AlterModelOptions(
            name='approval',
            options={'ordering': ['position', 'body_name', 'id']},
        ),
        migrations.AddField(
            model_name='approval',
            name='body_abbreviation',
            field=models.CharField(blank=True, help_text='e.g. APA, ASWB ACE, NBCC', max_length=50, verbose_name='abbreviation'),
        ),
        migrations.AddField(
            model_name='approval',
            name='body_name',
            field=models.CharField(default='', help_text='e.g. American Psychological Association', max_length=200, verbose_name='approving body'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='approval',
            name='ends_on',
            field=models.DateField(blank=True, null=True, verbose_name='approved until'),
        ),
        migrations.AddField(
            model_name='approval',
            name='is_sample',
            field=models.BooleanField(default=False, help_text='Demo data: not a real approval.', verbose_name='sample'),
        ),
        migrations.AddField(
            model_name='approval',
            name='number',
            field=models.CharField(blank=True, help_text='e.g. ACEP No. 7021', max_length=100, verbose_name='approval or provider number'),
        ),
        migrations.AddField(
            model_name='approval',
            name='scope',
            field=models.CharField(choices=[('provider', 'Provider (every course offered under it)'), ('course', 'One course (individual course approval)')], default='provider', max_length=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='approval',
            name='starts_on',
            field=models.DateField(default=datetime.date(2000, 1, 1), verbose_name='approved from'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='approval',
            name='statement_template',
            field=models.TextField(default='', help_text="The board's statement word for word. Placeholders: {provider_name} (the provider's name, from the provider settings), {number} (this approval's provider or approval number), {hours} (the course's CE hours, e.g. 3), {credit_types} (the course's hours by credit type, e.g. 2 general/clinical and 1 ethics), {period} (the approval period, e.g. January 1, 2025 – December 31, 2027), {starts_on} (the first day of the approval period), {ends_on} (the last day of the approval period). Write {{ or }} for a literal brace.", verbose_name='statement'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='certificate',
            name='ce_credits',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='certificate',
            name='layout',
            field=models.PositiveSmallIntegerField(default=1, editable=False),
        ),
        # Every certificate issued so far keeps layout 1; new ones get layout 2.
        migrations.AlterField(
            model_name='certificate',
            name='layout',
            field=models.PositiveSmallIntegerField(default=2, editable=False),
        ),
        migrations.AddField(
            model_name='certificate',
            name='level',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AddField(
            model_name='certificate',
            name='licenses',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='certificate',
            name='provider_contact',
            field=models.CharField(blank=True, max_length=400),
        ),
        migrations.AddField(
            model_name='historicalapproval',
            name='body_abbreviation',
            field=models.CharField(blank=True, help_text='e.g. APA, ASWB ACE, NBCC', max_length=50, verbose_name='abbreviation'),
        ),
        migrations.AddField(
            model_name='historicalapproval',
            name='body_name',
            field=models.CharField(default='', help_text='e.g. American Psychological Association', max_length=200, verbose_name='approving body'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalapproval',
            name='ends_on',
            field=models.DateField(blank=True, null=True, verbose_name='approved until'),
        ),
        migrations.AddField(
            model_name='historicalapproval',
            name='is_sample',
            field=models.BooleanField(default=False, help_text='Demo data: not a real approval.', verbose_name='sample'),
        ),
        migrations.AddField(
            model_name='historicalapproval',
            name='number',
            field=models.CharField(blank=True, help_text='e.g. ACEP No. 7021', max_length=100, verbose_name='approval or provider number'),
        ),
        migrations.AddField(
            model_name='historicalapproval',
            name='scope',
            field=models.CharField(choices=[('provider', 'Provider (every course offered under it)'), ('course', 'One course (individual course approval)')], default='provider', max_length=10),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalapproval',
            name='starts_on',
            field=models.DateField(default=datetime.date(2000, 1, 1), verbose_name='approved from'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='historicalapproval',
            name='statement_template',
            field=models.TextField(default='', help_text="The board's statement word for word. Placeholders: {provider_name} (the provider's name, from the provider settings), {number} (this approval's provider or approval number), {hours} (the course's CE hours, e.g. 3), {credit_types} (the course's hours by credit type, e.g. 2 general/clinical and 1 ethics), {period} (the approval period, e.g. January 1, 2025 – December 31, 2027), {starts_on} (the first day of the approval period), {ends_on} (the last day of the approval period). Write {{ or }} for a literal brace.", verbose_name='statement'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='providersettings',
            name='contact_address',
            field=models.CharField(blank=True, help_text='One line, as certificates print it.', max_length=300, verbose_name='postal address'),
        ),
        migrations.AddField(
            model_name='providersettings',
            name='contact_email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='contact email'),
        ),
        migrations.AddField(
            model_name='providersettings',
            name='contact_phone',
            field=models.CharField(blank=True, max_length=40, verbose_name='contact phone'),
        ),
        migrations.AlterField(
            model_name='approval',
            name='position',
            field=models.PositiveSmallIntegerField(default=0, help_text='Certificates list approvals in this order.'),
        ),
        migrations.AlterField(
            model_name='historicalapproval',
            name='position',
            field=models.PositiveSmallIntegerField(default=0, help_text='Certificates list approvals in this order.'),
        ),
        migrations.AddConstraint(
            model_name='approval',
            constraint=models.CheckConstraint(condition=models.Q(('ends_on__isnull', True), ('ends_on__gte', models.F('starts_on')), _connector='OR'), name='approval_period_ends_after_start', violation_error_message='The approval period ends before it starts.'),
        ),
        migrations.AddField(
            model_name='approvalcoverage',
            name='approval',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='coverage', to='courses.approval'),
        ),
        migrations.AddField(
            model_name='courseapproval',
            name='approval',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='course_approvals', to='courses.approval'),
        ),
        migrations.AddField(
            model_name='courseapproval',
            name='course',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='course_approvals', to='courses.course'),
        ),
        migrations.AddField(
            model_name='course',
            name='approvals',
            field=models.ManyToManyField(blank=True, related_name='courses', through='courses.CourseApproval', to='courses.approval'),
        ),
        migrations.AddField(
            model_name='coursecredit',
            name='course',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='credits', to='courses.course'),
        ),
        migrations.AddField(
            model_name='coursecredit',
            name='credit_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='courses.credittype'),
        ),
        migrations.AddField(
            model_name='historicalcourseapproval',
            name='approval',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='courses.approval'),
        ),
        migrations.AddField(
            model_name='historicalcourseapproval',
            name='course',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='courses.course'),
        ),
        migrations.AddField(
            model_name='historicalcourseapproval',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalcoursecredit',
            name='course',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='courses.course'),
        ),
        migrations.AddField(
            model_name='historicalcoursecredit',
            name='credit_type',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='courses.credittype'),
        ),
        migrations.AddField(
            model_name='historicalcoursecredit',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='approvalcoverage',
            constraint=models.UniqueConstraint(fields=('approval', 'profession', 'state'), name='approval_coverage_unique', violation_error_message='This approval already covers that profession there.'),
        ),
        migrations.AddConstraint(
            model_name='courseapproval',
            constraint=models.UniqueConstraint(fields=('course', 'approval'), name='course_approval_unique', violation_error_message='The course is already offered under this approval.'),
        ),
        migrations.AddConstraint(
            model_name='coursecredit',
            constraint=models.UniqueConstraint(fields=('course', 'credit_type'), name='course_credit_unique', violation_error_message='This credit type is already part of the course.'),
        ),
        migrations.AddConstraint(
            model_name='coursecredit',
            constraint=models.CheckConstraint(condition=models.Q(('hours__gt', 0)), name='course_credit_hours_positive'),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='approval',
            name='board',
        ),
        migrations.RemoveField(
            model_name='approval',
            name='course',
        ),
        migrations.RemoveField(
            model_name='approval',
            name='provider_number',
        ),
        migrations.RemoveField(
            model_name='approval',
            name='statement',
        ),
        migrations.RemoveField(
            model_name='historicalapproval',
            name='board',
        ),
        migrations.RemoveField(
            model_name='historicalapproval',
            name='course',
        ),
        migrations.RemoveField(
            model_name='historicalapproval',
            name='provider_number',
        ),
        migrations.RemoveField(
            model_name='historicalapproval',
            name='statement',
        ),
    ]
