from gateway.identity.models import Base
from gateway.media.models import Base as MediaBase
from services.common.migrations import run_env

run_env([Base.metadata, MediaBase.metadata])
