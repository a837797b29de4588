"""The demo's citizens and what happens to each one's dossier.

Citizen ID numbers follow the structure of the 12-digit personal identification number: province
of birth registration (040 = Nghệ An), a digit for century and sex, the year of birth's last two
digits, then a six-digit serial. They are made up: no real person carries them.
"""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

NGHE_AN = "040"
# Century and sex digit: 0/1 for men/women born in the 1900s, 2/3 for the 2000s.
CENTURY_SEX_DIGIT = {(19, False): 0, (19, True): 1, (20, False): 2, (20, True): 3}


class Stage(StrEnum):
    """How far the demo takes a dossier."""

    RECEIVED = "received"  # at the desk; nobody has taken it yet
    CLAIMED = "claimed"  # a specialist has taken the first step
    REVIEWED = "reviewed"  # the first step is done; it waits for the next officer
    SUPPLEMENTED = "supplemented"  # a supplement was requested and then brought in
    APPROVED = "approved"  # approved and handed over to the desk (status 9)
    REJECTED = "rejected"  # rejected by the leader and handed over (status 9)
    RETURNED = "returned"  # approved, result given to the citizen, who rated the service


@dataclass(frozen=True)
class Citizen:
    full_name: str
    female: bool
    date_of_birth: date
    serial: int
    phone: str
    address: str
    email: str | None = None

    @property
    def citizen_id(self) -> str:
        year = self.date_of_birth.year
        digit = CENTURY_SEX_DIGIT[(year // 100, self.female)]
        return f"{NGHE_AN}{digit}{year % 100:02d}{self.serial:06d}"

    def applicant(self) -> dict[str, object]:
        """The applicant as intake's ``POST /cases`` takes it."""
        return {
            "full_name": self.full_name,
            "id_number": self.citizen_id,
            "date_of_birth": self.date_of_birth.isoformat(),
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
        }


@dataclass(frozen=True)
class DemoDossier:
    key: str  # stable: the dossier's Idempotency-Key is derived from it
    citizen: Citizen
    channel: str  # direct | online | postal
    benefit: bool  # a benefit procedure whose approval decides a payment
    stage: Stage


DOSSIERS = (
    DemoDossier(
        "huu-tri-tran-thi-lan",
        Citizen(
            "Trần Thị Lan",
            True,
            date(1955, 4, 12),
            381204,
            "0912 345 678",
            "Xóm 5, xã Đại Đồng, tỉnh Nghệ An",
            "lan.tranthi@example.vn",
        ),
        "direct",
        True,
        Stage.RETURNED,
    ),
    DemoDossier(
        "tro-cap-nguyen-van-duc",
        Citizen(
            "Nguyễn Văn Đức",
            False,
            date(1948, 9, 2),
            204517,
            "0983 112 907",
            "Thôn Yên Lạc, xã Cát Ngạn, tỉnh Nghệ An",
        ),
        "online",
        True,
        Stage.APPROVED,
    ),
    DemoDossier(
        "than-nhan-le-thi-hong",
        Citizen(
            "Lê Thị Hồng",
            True,
            date(1972, 11, 30),
            557031,
            "0356 778 214",
            "Khối 3, xã Bích Hào, tỉnh Nghệ An",
            "hong.le72@example.vn",
        ),
        "postal",
        False,
        Stage.SUPPLEMENTED,
    ),
    DemoDossier(
        "khuyet-tat-pham-quang-huy",
        Citizen(
            "Phạm Quang Huy",
            False,
            date(2006, 2, 18),
            118642,
            "0868 405 331",
            "Xóm Trung Tâm, xã Đại Đồng, tỉnh Nghệ An",
        ),
        "direct",
        False,
        Stage.APPROVED,
    ),
    DemoDossier(
        "nong-nghiep-hoang-van-son",
        Citizen(
            "Hoàng Văn Sơn",
            False,
            date(1980, 7, 21),
            630284,
            "0979 020 118",
            "Thôn Đồng Văn, xã Cát Ngạn, tỉnh Nghệ An",
        ),
        "online",
        False,
        Stage.REJECTED,
    ),
    DemoDossier(
        "bang-tqgc-vo-thi-thu",
        Citizen(
            "Võ Thị Thu",
            True,
            date(1963, 5, 9),
            742190,
            "0394 561 772",
            "Xóm 2, xã Bích Hào, tỉnh Nghệ An",
            "thu.vothi@example.vn",
        ),
        "postal",
        False,
        Stage.REVIEWED,
    ),
    DemoDossier(
        "xac-nhan-dang-minh-chau",
        Citizen(
            "Đặng Minh Châu",
            True,
            date(2001, 12, 3),
            95310,
            "0707 884 265",
            "Thôn Thanh Ngọc, xã Đại Đồng, tỉnh Nghệ An",
            "chau.dangminh@example.vn",
        ),
        "online",
        False,
        Stage.CLAIMED,
    ),
    DemoDossier(
        "huu-tri-bui-van-thanh",
        Citizen(
            "Bùi Văn Thành",
            False,
            date(1951, 1, 25),
            466728,
            "0822 309 456",
            "Xóm Rú Đụn, xã Cát Ngạn, tỉnh Nghệ An",
        ),
        "direct",
        True,
        Stage.RECEIVED,
    ),
    DemoDossier(
        "giay-chung-nhan-ngo-thi-mai",
        Citizen(
            "Ngô Thị Mai",
            True,
            date(1968, 8, 14),
            310975,
            "0945 670 213",
            "Khối Tân Hương, xã Bích Hào, tỉnh Nghệ An",
        ),
        "postal",
        False,
        Stage.RECEIVED,
    ),
    DemoDossier(
        "tham-mo-do-duc-anh",
        Citizen(
            "Đỗ Đức Anh",
            False,
            date(1990, 3, 27),
            821406,
            "0587 213 649",
            "Thôn Thanh Phong, xã Đại Đồng, tỉnh Nghệ An",
            "anh.doduc@example.vn",
        ),
        "online",
        False,
        Stage.CLAIMED,
    ),
    DemoDossier(
        "khuyet-tat-phan-thi-yen",
        Citizen(
            "Phan Thị Yến",
            True,
            date(2004, 10, 6),
            174853,
            "0336 902 187",
            "Xóm Phú Lợi, xã Cát Ngạn, tỉnh Nghệ An",
        ),
        "direct",
        False,
        Stage.REVIEWED,
    ),
    DemoDossier(
        "tro-cap-huynh-van-loc",
        Citizen(
            "Huỳnh Văn Lộc",
            False,
            date(1946, 6, 19),
            509362,
            "0914 238 570",
            "Thôn Đồng Tâm, xã Bích Hào, tỉnh Nghệ An",
            "loc.huynhvan@example.vn",
        ),
        "postal",
        True,
        Stage.RECEIVED,
    ),
)

# Officers of the demo, one account per role (what the SSO gateway would put in the headers).
OFFICERS = {
    "reception_clerk": "motcua.nguyenthuha",
    "specialist": "chuyenvien.tranvanbinh",
    "leader": "lanhdao.lequanghai",
}
OFFICER_NAMES = {
    "reception_clerk": "Nguyễn Thu Hà",
    "specialist": "Trần Văn Bình",
    "leader": "Lê Quang Hải",
}

# All indicators but two "very satisfied": an overall "very satisfied" (16 of 18 points).
RATING = {
    "total_time": 2,
    "unit_time": 2,
    "contacts": 2,
    "agencies_contacted": 2,
    "one_stop": 2,
    "publicly_posted": 2,
    "staff_attitude": 2,
    "feedback_handling": 1,
    "online_quality": 1,
}
