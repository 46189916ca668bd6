"""factory_boy factories for every model of the four apps.

Factories write rows directly, as a bulk load does, not through the services: what the portal keeps from
participations and organisation links (enterprises.services.derived_refresh) is worked out after they write, as
the services do, so a partner's scope, the modules taken and a round's counts follow the test's data."""

import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from enterprises.derived import round_enterprises
from enterprises.models import KPI, Enterprise, FactoryVisit, KPILine, Participation, Photo, PhotoPair, Result
from newsletters.models import Event, ExpertComment, Issue, NewsItem
from programmes.models import Agreement, Country, Module, Organisation, Region, TrainingRound
from trainers.models import Qualification, RoundTrainer, Trainer


def _derived_refresh(**ids) -> None:
    from enterprises.services import derived_refresh  # imported when used: the services import the apps' rules

    derived_refresh(**ids)


def bring_in(enterprise: Enterprise, *organisations: Organisation) -> Enterprise:
    """These organisations brought the enterprise in (``enterprise.organisations``), and so reach it."""
    enterprise.organisations.add(*organisations)
    _derived_refresh(enterprise_ids=[enterprise.pk])
    return enterprise


def co_organise(training_round: TrainingRound, *organisations: Organisation) -> TrainingRound:
    """These organisations co-organise the round, and so reach its enterprises."""
    training_round.co_organisers.add(*organisations)
    _derived_refresh(enterprise_ids=round_enterprises([training_round.pk]))
    return training_round


def china() -> Country:
    """China, the country programme the data migration makes in every database: the factories' default."""
    return Country.objects.get(code="CN")


def _works_in(obj, create, extracted) -> None:
    """``countries=[...]`` where an organisation or a trainer works; China unless told."""
    if create:
        obj.countries.set(extracted if extracted is not None else [china()])


def module(code: str = "M1") -> Module:
    """The modules come from a data migration; tests look them up."""
    return Module.objects.get(code=code)


class CountryFactory(DjangoModelFactory):
    """A country programme other than China (which the data migration makes in every database)."""

    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = "VN"
    name = "Viet Nam"
    time_zone = "Asia/Ho_Chi_Minh"
    currency = "VND"
    languages = factory.LazyFunction(lambda: ["vi", "en"])


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Region {n}")
    kind = Region.Kind.PROVINCE


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = factory.Sequence(lambda n: f"ORG{n}")
    kind = Organisation.Kind.IMPLEMENTING_PARTNER
    province = "Jiangsu"
    city = "Taixing"
    countries = factory.PostGeneration(_works_in)


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    organisation = factory.SubFactory(OrganisationFactory)
    country = factory.LazyFunction(china)
    kind = Agreement.Kind.IMPLEMENTATION
    signed_on = dt.date(2014, 4, 1)
    start = dt.date(2014, 4, 1)
    end = dt.date(2017, 3, 31)


class TrainingRoundFactory(DjangoModelFactory):
    class Meta:
        model = TrainingRound

    country = factory.LazyFunction(china)
    module = factory.LazyFunction(module)
    kind = TrainingRound.Kind.TOE
    organiser = factory.SubFactory(OrganisationFactory)
    province = "Jiangsu"
    city = "Taixing"
    start = dt.date(2014, 9, 1)
    end = dt.date(2014, 11, 30)


class TrainerFactory(DjangoModelFactory):
    class Meta:
        model = Trainer
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Trainer {n}")
    sex = "f"
    organisation = factory.SubFactory(OrganisationFactory)
    role = Trainer.Role.TRAINER
    countries = factory.PostGeneration(_works_in)


class QualificationFactory(DjangoModelFactory):
    class Meta:
        model = Qualification

    trainer = factory.SubFactory(TrainerFactory)
    module = factory.LazyFunction(module)
    qualified_on = dt.date(2013, 1, 1)


class RoundTrainerFactory(DjangoModelFactory):
    class Meta:
        model = RoundTrainer

    training_round = factory.SubFactory(TrainingRoundFactory)
    trainer = factory.SubFactory(TrainerFactory)


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"Enterprise {n}")
    country = factory.LazyFunction(china)
    sector = "machinery"
    province = "Jiangsu"
    city = "Taixing"
    workers_women = 60
    workers_men = 90


class ParticipationFactory(DjangoModelFactory):
    class Meta:
        model = Participation

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        participation = super()._create(model_class, *args, **kwargs)
        _derived_refresh(enterprise_ids=[participation.enterprise_id], round_ids=[participation.training_round_id])
        return participation

    training_round = factory.SubFactory(TrainingRoundFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    managers_women = 1
    managers_men = 1
    workers_women = 1
    workers_men = 1


class FactoryVisitFactory(DjangoModelFactory):
    class Meta:
        model = FactoryVisit

    training_round = factory.SubFactory(TrainingRoundFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    trainer = factory.SubFactory(TrainerFactory)
    visited_on = dt.date(2014, 10, 1)


class KPIFactory(DjangoModelFactory):
    class Meta:
        model = KPI

    name = factory.Sequence(lambda n: f"KPI {n}")
    unit = "%"
    direction = KPI.Direction.HIGHER


class ResultFactory(DjangoModelFactory):
    class Meta:
        model = Result

    enterprise = factory.SubFactory(EnterpriseFactory)
    module = factory.LazyFunction(module)
    narrative = "Weekly EIT meetings were held."


class KPILineFactory(DjangoModelFactory):
    class Meta:
        model = KPILine

    result = factory.SubFactory(ResultFactory)
    kpi = factory.SubFactory(KPIFactory)
    baseline_value = Decimal("88.6")
    baseline_date = dt.date(2014, 8, 1)
    followup_value = Decimal("92.58")
    followup_date = dt.date(2014, 11, 30)


class PhotoFactory(DjangoModelFactory):
    class Meta:
        model = Photo

    image = factory.django.ImageField(color="gray", width=800, height=600)
    caption = "Moving oil barrels needed two workers"
    credit = "SCORE China"


class PhotoPairFactory(DjangoModelFactory):
    class Meta:
        model = PhotoPair

    result = factory.SubFactory(ResultFactory)
    before = factory.SubFactory(PhotoFactory)
    after = factory.SubFactory(PhotoFactory, image__color="green", caption="A handling cart lowered labour intensity")


class NewsItemFactory(DjangoModelFactory):
    class Meta:
        model = NewsItem

    country = factory.LazyFunction(china)
    title = factory.Sequence(lambda n: f"News {n}")
    place = "Taixing, Jiangsu"
    date = dt.date(2014, 12, 11)
    body = "Training of enterprises on Module 2 was organised."


class EventFactory(DjangoModelFactory):
    class Meta:
        model = Event

    country = factory.LazyFunction(china)
    title = factory.Sequence(lambda n: f"Event {n}")
    place = "Shanghai"
    starts_on = dt.date(2015, 3, 2)
    ends_on = dt.date(2015, 3, 6)


class ExpertCommentFactory(DjangoModelFactory):
    class Meta:
        model = ExpertComment

    country = factory.LazyFunction(china)
    trainer = factory.SubFactory(TrainerFactory)
    quote = "SCORE helps SMEs."
    given_on = dt.date(2014, 11, 30)


class IssueFactory(DjangoModelFactory):
    class Meta:
        model = Issue

    country = factory.LazyFunction(china)
    number = factory.Sequence(lambda n: n + 100)
    period_start = factory.Sequence(lambda n: dt.date(2030 + n // 6, 1 + 2 * (n % 6), 1))
    title = factory.LazyAttribute(lambda o: f"Issue {o.number}")


def give_texts(queryset, language: str = "zh-hans", **texts: str) -> None:
    """Each record of ``queryset`` gets ``texts`` (field=text) in ``language``, kept in its ``i18n`` as the portal
    keeps them (core.translated.texts_set)."""
    from core.translated import texts_set

    for record in queryset:
        texts_set(record, {language: texts})
        record.save(update_fields=["i18n"])
