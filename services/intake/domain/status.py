"""Case statuses as the national public-service portal numbers them, with Vietnamese labels."""

from enum import IntEnum


class CaseStatus(IntEnum):
    NEWLY_REGISTERED = 1
    RECEIVED = 2
    NOT_RECEIVED = 3
    IN_PROGRESS = 4
    SUPPLEMENT_REQUESTED = 5
    FEE_REQUESTED = 6
    WITHDRAWN = 7
    PROCESSING_STOPPED = 8
    RESOLVED = 9
    RESULT_RETURNED = 10

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    CaseStatus.NEWLY_REGISTERED: "Mới đăng ký",
    CaseStatus.RECEIVED: "Đã tiếp nhận",
    CaseStatus.NOT_RECEIVED: "Không được tiếp nhận",
    CaseStatus.IN_PROGRESS: "Đang xử lý",
    CaseStatus.SUPPLEMENT_REQUESTED: "Yêu cầu bổ sung hồ sơ",
    CaseStatus.FEE_REQUESTED: "Yêu cầu thực hiện nghĩa vụ tài chính",
    CaseStatus.WITHDRAWN: "Đã rút hồ sơ",
    CaseStatus.PROCESSING_STOPPED: "Dừng xử lý",
    CaseStatus.RESOLVED: "Đã giải quyết xong",
    CaseStatus.RESULT_RETURNED: "Đã trả kết quả",
}

# A case in one of these is over: the applicant may rate the service.
FINISHED = frozenset(
    {CaseStatus.PROCESSING_STOPPED, CaseStatus.RESOLVED, CaseStatus.RESULT_RETURNED}
)
